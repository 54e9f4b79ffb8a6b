using FaceSimilarity;
using Siamese.Net.Native;
using Siamese.Net.Samples.Common.Cli;

TorchRuntime.EnsureConfigured(); // libtorch reads its threading and allocator settings once, before the first tensor
return SampleHost.Run<FaceSimilarityCommand>(args, "FaceSimilarity", "Face similarity with a Siamese network: trains on some subjects, evaluates on subjects it never saw " +
    "(ROC AUC, EER, 10-way 1-shot) beside raw-pixel and eigenface baselines. The tutorial's setting: --encoder facenet --loss contrastive. Without --data: generated faces.",
    console: null, [], ["--data", "../shared/datasets/att_faces"], ["--data", "../shared/datasets/att_faces", "--encoder", "facenet", "--loss", "contrastive"]);
