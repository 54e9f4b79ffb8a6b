using OmniglotOneShot;
using Siamese.Net.Native;
using Siamese.Net.Samples.Common.Cli;

// Thread and allocator settings must be in force before libtorch's first allocation.
TorchRuntime.EnsureConfigured();

return SampleHost.Run<OmniglotCommand>(
    args,
    "OmniglotOneShot",
    "20-way one-shot classification of handwritten characters (Omniglot, Lake et al. 2015): trains an embedding on "
    + "the background alphabets and classifies characters it has never seen from a single example each. Without "
    + "--train it runs on generated glyphs.",
    console: null,
    ["--train", "omniglot/images_background"], ["--train", "omniglot/images_background", "--runs", "omniglot/all_runs"], ["--train", "omniglot/images_background", "--loss", "supcon"]);
