namespace Siamese.Net.Encoders;

/// <summary>Which normalisation <see cref="SigNet"/> uses after its convolutions.</summary>
public enum SigNetVariant
{
    /// <summary>The paper's and first signature tutorial's network: Conv, ReLU, local response normalisation.</summary>
    LocalResponseNorm,

    /// <summary>The second signature tutorial's network: Conv-BatchNorm-ReLU blocks, no local response normalisation.</summary>
    BatchNorm,
}
