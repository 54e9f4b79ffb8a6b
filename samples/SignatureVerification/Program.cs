using Siamese.Net.Native;
using Siamese.Net.Samples.Common.Cli;
using Siamese.Net.Samples.SignatureVerification;

// Thread count and allocator settings must be in place before the first tensor exists.
TorchRuntime.EnsureConfigured();

return SampleHost.Run<SignatureVerificationCommand>(
    args,
    "SignatureVerification",
    "Offline signature verification with a Siamese network and contrastive loss (SigNet tutorial) on the Kaggle "
    + "sign_data layout. Without --data it trains on a generated set in the same layout. Writers are split so that "
    + "validation and test writers are never trained on; the threshold is calibrated on validation pairs only.",
    null,
    [],
    ["--data", "../shared/datasets/sign_data"],
    ["--data", "sign_data", "--encoder", "signet", "--image-size", "155x220", "--epochs", "20"]);
