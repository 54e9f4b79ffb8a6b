using Siamese.Net.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Inference;

/// <summary>
/// The library's own encoders by the type name a classifier file records (<see cref="TypeName"/>), so that
/// <c>OneShotClassifier.Load(path)</c> rebuilds them without the caller constructing one.
/// </summary>
internal static class EncoderCatalog
{
    private static readonly Dictionary<string, Func<EncoderOptions, ImageEncoder>> Factories = new(StringComparer.Ordinal)
    {
        [typeof(Conv4Encoder).FullName!] = o => new Conv4Encoder(o),
        [typeof(FaceSimilarityNet).FullName!] = o => new FaceSimilarityNet(o),
        [typeof(SmallCnn).FullName!] = o => new SmallCnn(o),
        [typeof(KochNet).FullName!] = o => new KochNet(o),
        [SigNetName(SigNetVariant.LocalResponseNorm)] = o => new SigNet(o, SigNetVariant.LocalResponseNorm),
        [SigNetName(SigNetVariant.BatchNorm)] = o => new SigNet(o, SigNetVariant.BatchNorm),
    };

    /// <summary>The recorded type: the full name, plus constructor choices that change the computation but not the state dict.</summary>
    public static string TypeName(nn.Module module) =>
        module is SigNet signet ? SigNetName(signet.Variant) : module.GetType().FullName!;

    /// <summary>True when the type is one of the library's encoders.</summary>
    public static bool IsKnown(string typeName) => Factories.ContainsKey(typeName);

    /// <summary>Builds a library encoder, or returns null for an unknown type.</summary>
    public static ImageEncoder? Create(string typeName, EncoderOptions options) =>
        Factories.TryGetValue(typeName, out var create) ? create(options) : null;

    private static string SigNetName(SigNetVariant variant) => $"{typeof(SigNet).FullName}[{variant}]";
}
