namespace Siamese.Net.Training;

/// <summary>Where training runs.</summary>
public enum TrainingDevice
{
    /// <summary>The CPU (the default: it is always present and its results are reproducible bit for bit).</summary>
    Cpu = 0,

    /// <summary>The first CUDA device when one is available, otherwise the CPU.</summary>
    Auto = 1,

    /// <summary>The first CUDA device; training fails if none is available.</summary>
    Cuda = 2,
}
