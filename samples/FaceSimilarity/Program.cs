using FaceSimilarity;
using Siamese.Net.Native;
using Siamese.Net.Samples.Common.Cli;

// libtorch reads its threading and allocator settings once, before the first tensor.
TorchRuntime.EnsureConfigured();

return SampleHost.Run<FaceSimilarityCommand>(
    args,
    "FaceSimilarity",
    "Face similarity with a Siamese network. Trains on some subjects and evaluates on subjects it never saw: " +
    "verification (ROC AUC, EER) and 10-way 1-shot identification with a OneShotClassifier. CPU default: Conv4Encoder " +
    "at 48x56 with the batch-hard triplet loss on P x K batches. The PyTorch face-similarity tutorial's setting " +
    "(FaceSimilarityNet at 100x100, contrastive loss with margin 2, Adam 5e-4, batches of 64 random pairs): " +
    "--encoder facenet --loss contrastive. Without --data it runs on generated faces in the AT&T layout.",
    console: null,
    [],
    ["--data", "../shared/datasets/att_faces"],
    ["--data", "../shared/datasets/att_faces", "--split", "tutorial"],
    ["--data", "../shared/datasets/att_faces", "--encoder", "facenet", "--loss", "contrastive"],
    ["--data", "../shared/datasets/att_faces", "--epochs", "10", "--output", "runs/faces"]);
