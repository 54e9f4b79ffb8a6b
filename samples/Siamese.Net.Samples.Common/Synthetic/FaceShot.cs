namespace Siamese.Net.Samples.Common.Synthetic;

/// <summary>What changes between two photographs of the same subject.</summary>
internal sealed record FaceShot
{
    public double Yaw { get; init; }

    public double Pitch { get; init; }

    public double Roll { get; init; }

    public double Scale { get; init; }

    public double ShiftX { get; init; }

    public double ShiftY { get; init; }

    public double Light { get; init; }

    public double LightX { get; init; }

    public double LightY { get; init; }

    public double Background { get; init; }

    public double Smile { get; init; }

    public double MouthOpen { get; init; }

    public double EyeOpen { get; init; }

    public double Gaze { get; init; }

    public bool Glasses { get; init; }

    public static FaceShot Random(DeterministicRandom r, FaceIdentity identity) => new()
    {
        Yaw = r.Uniform(-0.35, 0.35),
        Pitch = r.Gaussian(1.5),
        Roll = r.Gaussian(0.08),
        Scale = r.Uniform(0.92, 1.08),
        ShiftX = r.Gaussian(2.5),
        ShiftY = r.Gaussian(2),
        Light = r.Uniform(0.85, 1.12),
        LightX = r.Uniform(-1, 1),
        LightY = r.Uniform(-0.5, 0.5),
        Background = r.Uniform(25, 60),
        Smile = r.Chance(0.4) ? r.Uniform(0.3, 1) : 0,
        MouthOpen = r.Chance(0.25) ? r.Uniform(0.5, 2.5) : 0,
        EyeOpen = r.Chance(0.1) ? r.Uniform(0.2, 0.5) : r.Uniform(0.85, 1.1),
        Gaze = r.Uniform(-1, 1),
        Glasses = r.Chance(identity.GlassesProbability),
    };
}
