namespace Siamese.Net.Samples.Common.Synthetic;

/// <summary>What stays the same across one subject's photographs. Lengths in pixels at nominal scale.</summary>
internal sealed record FaceIdentity
{
    public double FaceWidth { get; init; }

    public double FaceHeight { get; init; }

    public double Skin { get; init; }

    public double Hair { get; init; }

    public double HairTop { get; init; }

    public double HairVolume { get; init; }

    public double HairLine { get; init; }

    public double FringeWave { get; init; }

    public double FringePhase { get; init; }

    public double Clothes { get; init; }

    public double EyeSpacing { get; init; }

    public double EyeY { get; init; }

    public double EyeWidth { get; init; }

    public double EyeHeight { get; init; }

    public double Iris { get; init; }

    public double BrowGap { get; init; }

    public double BrowThickness { get; init; }

    public double BrowTilt { get; init; }

    public double NoseY { get; init; }

    public double NoseLength { get; init; }

    public double MouthY { get; init; }

    public double MouthWidth { get; init; }

    public double LipHeight { get; init; }

    public double Lips { get; init; }

    public bool Beard { get; init; }

    public double GlassesProbability { get; init; }

    public double LensWidth { get; init; }

    public double LensHeight { get; init; }

    public static FaceIdentity Random(DeterministicRandom r)
    {
        double faceWidth = r.Uniform(22, 30);
        double faceHeight = r.Uniform(30, 38);
        double eyeWidth = r.Uniform(4, 6.5);
        double skin = r.Uniform(120, 200);
        return new FaceIdentity
        {
            FaceWidth = faceWidth,
            FaceHeight = faceHeight,
            Skin = skin,
            Hair = r.Uniform(15, 130),
            HairTop = r.Uniform(6, 14),
            HairVolume = r.Uniform(1, 9),
            HairLine = r.Uniform(6, 18),
            FringeWave = r.Uniform(0, 4),
            FringePhase = r.Uniform(0, 2 * Math.PI),
            Clothes = r.Uniform(20, 180),
            EyeSpacing = r.Uniform(9, 13),
            EyeY = r.Uniform(-9, -3),
            EyeWidth = eyeWidth,
            EyeHeight = r.Uniform(1.8, 3),
            Iris = r.Uniform(20, 80),
            BrowGap = -r.Uniform(4, 7),
            BrowThickness = r.Uniform(0.9, 2.2),
            BrowTilt = r.Uniform(-0.12, 0.12),
            NoseY = r.Uniform(-2, 2),
            NoseLength = r.Uniform(7, 12),
            MouthY = r.Uniform(14, 20),
            MouthWidth = r.Uniform(6, 10),
            LipHeight = r.Uniform(1.2, 2.5),
            Lips = skin * r.Uniform(0.55, 0.8),
            Beard = r.Chance(0.15),
            GlassesProbability = r.Chance(0.25) ? r.Uniform(0.6, 1.0) : 0,
            LensWidth = eyeWidth + r.Uniform(1.5, 3),
            LensHeight = r.Uniform(4.5, 6.5),
        };
    }
}
