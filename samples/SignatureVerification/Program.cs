using Siamese.Net.Native;
using Siamese.Net.Samples.Common.Cli;
using Siamese.Net.Samples.SignatureVerification;

// Thread count and allocator settings must be in place before the first tensor exists.
TorchRuntime.EnsureConfigured();

return SampleHost.Run<SignatureVerificationCommand>(
    args,
    "SignatureVerification",
    "Offline signature verification with a Siamese network (SigNet tutorial) on the Kaggle sign_data layout, on ink-invariant input (Otsu binarisation, crop, centre). "
    + "Without --data it trains on a generated set in the same layout. Validation and test writers are never trained on; the threshold is calibrated on validation pairs only.",
    null,
    [],
    ["--data", "../shared/datasets/sign_data"],
    ["--data", "sign_data", "--loss", "multi-similarity"],
    ["--data", "sign_data", "--encoder", "signet", "--image-size", "155x220", "--epochs", "20"]);
