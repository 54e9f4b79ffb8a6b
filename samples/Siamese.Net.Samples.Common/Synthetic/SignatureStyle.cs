namespace Siamese.Net.Samples.Common.Synthetic;

/// <summary>
/// The parameters of one hand writing one signature: a chain of cursive letter loops. Canonical units: one letter
/// advance is about 1, y grows downwards; pen radii are in output pixels.
/// </summary>
internal sealed record SignatureStyle
{
    public required double[] Heights { get; init; }          // per letter; negative = descender below the baseline

    public required double[] LoopWidths { get; init; }       // per letter; > Spacing/2π makes a loop, small makes an arch

    public required double Spacing { get; init; }            // advance per letter

    public required double LoopPhase { get; init; }

    public required double Slant { get; init; }              // shear: x += Slant * height

    public required double BaselineAmplitude { get; init; }

    public required double BaselinePhase { get; init; }

    public required double[] PenLifts { get; init; }         // t values where the pen leaves the paper

    public required double WordGap { get; init; }            // extra advance after a pen lift (separate words)

    public double[] Hesitations { get; init; } = [];         // t values of pen lifts that do not move on (a copyist's pauses)

    public required double FlourishDepth { get; init; }      // 0 = no underline flourish

    public required double FlourishReach { get; init; }      // how far back (fraction of the width) it sweeps

    public required double PenRadius { get; init; }

    public required double PressureVariation { get; init; }

    public required double PressurePhase { get; init; }

    public required double RhythmAmplitude { get; init; }    // time warp: uneven writing speed along the name

    public required double RhythmPhase { get; init; }

    public required double Tremor { get; init; }             // pixels of high-frequency wobble

    public int Letters => Heights.Length;

    public static SignatureStyle Random(DeterministicRandom random)
    {
        int letters = random.NextInt(4, 10);
        var heights = new double[letters];
        var loops = new double[letters];
        double loopiness = random.Uniform(0.1, 0.45);
        for (int i = 0; i < letters; i++)
        {
            // Mostly x-height letters, some ascenders and descenders, often a tall capital first.
            double kind = random.NextDouble();
            heights[i] = kind < 0.25 ? random.Uniform(1.6, 2.6) : kind < 0.38 ? -random.Uniform(1.0, 1.8) : random.Uniform(0.6, 1.2);
            loops[i] = random.Chance(0.3) ? random.Uniform(0.02, 0.1) : loopiness * random.Uniform(0.6, 1.4);
        }

        if (random.Chance(0.6))
        {
            heights[0] = random.Uniform(2.2, 3.2);
        }

        int lifts = random.NextInt(0, 3);
        var penLifts = new double[lifts];
        for (int i = 0; i < lifts; i++)
        {
            penLifts[i] = random.Uniform(0.15, 0.85);
        }

        Array.Sort(penLifts);
        return new SignatureStyle
        {
            Heights = heights,
            Spacing = random.Uniform(0.8, 1.2),
            LoopWidths = loops,
            LoopPhase = random.Uniform(-0.6, 0.6),
            Slant = random.Uniform(-0.15, 0.45),
            BaselineAmplitude = random.Uniform(0, 0.5),
            BaselinePhase = random.Uniform(0, 2 * Math.PI),
            PenLifts = penLifts,
            WordGap = random.Uniform(0, 0.9),
            FlourishDepth = random.Chance(0.5) ? random.Uniform(0.6, 1.4) : 0,
            FlourishReach = random.Uniform(0.4, 0.9),
            PenRadius = random.Uniform(0.8, 1.5),
            PressureVariation = random.Uniform(0.1, 0.4),
            PressurePhase = random.Uniform(0, 2 * Math.PI),
            RhythmAmplitude = random.Uniform(0, 0.04),
            RhythmPhase = random.Uniform(0, 2 * Math.PI),
            Tremor = random.Uniform(0.05, 0.2),
        };
    }

    /// <summary>Natural variation of a hand between two attempts; <paramref name="amount"/> scales every deviation.</summary>
    public SignatureStyle Vary(DeterministicRandom random, double amount) => this with
    {
        Heights = [.. Heights.Select(h => h * Math.Exp(random.Gaussian(0.06 * amount)))],
        Spacing = Spacing * Math.Exp(random.Gaussian(0.04 * amount)),
        LoopWidths = [.. LoopWidths.Select(w => w * Math.Exp(random.Gaussian(0.06 * amount)))],
        WordGap = Math.Max(0, WordGap + random.Gaussian(0.05 * amount)),
        LoopPhase = LoopPhase + random.Gaussian(0.06 * amount),
        Slant = Slant + random.Gaussian(0.03 * amount),
        BaselineAmplitude = Math.Max(0, BaselineAmplitude + random.Gaussian(0.05 * amount)),
        BaselinePhase = BaselinePhase + random.Gaussian(0.15 * amount),
        PenLifts = [.. PenLifts.Select(t => Math.Clamp(t + random.Gaussian(0.01 * amount), 0.05, 0.95)).Order()],
        Hesitations = [.. Hesitations.Select(t => Math.Clamp(t + random.Gaussian(0.03 * amount), 0.05, 0.95))],
        FlourishDepth = FlourishDepth * Math.Exp(random.Gaussian(0.08 * amount)),
        FlourishReach = Math.Clamp(FlourishReach + random.Gaussian(0.04 * amount), 0.2, 1.0),
        PenRadius = PenRadius * Math.Exp(random.Gaussian(0.05 * amount)),
        RhythmPhase = RhythmPhase + random.Gaussian(0.2 * amount),
    };

    /// <summary>
    /// A skilled forger's version: the right letters and overall shape, but systematically wrong proportions,
    /// slant and rhythm, and the marks of slow, careful copying that document examiners look for: even pressure with
    /// a heavier line, a visible tremor, and extra pen lifts where the writer's hand flows on.
    /// </summary>
    public SignatureStyle Imitate(DeterministicRandom random)
    {
        var forged = Vary(random, 3.5);
        var hesitations = new double[random.NextInt(1, 3)];
        for (int i = 0; i < hesitations.Length; i++)
        {
            hesitations[i] = random.Uniform(0.1, 0.9);
        }

        return forged with
        {
            Hesitations = hesitations,
            PressureVariation = PressureVariation * random.Uniform(0.2, 0.5),
            PressurePhase = random.Uniform(0, 2 * Math.PI),
            RhythmAmplitude = random.Uniform(0, 0.05),
            Tremor = random.Uniform(0.5, 1.0),
            PenRadius = PenRadius * random.Uniform(1.1, 1.4),
        };
    }

    /// <summary>The strokes in canonical units, with per-point pen radii in pixels.</summary>
    public List<(List<PointD> Points, List<double> Radii)> Trace(DeterministicRandom random)
    {
        const int samplesPerLetter = 60;
        int count = (Letters * samplesPerLetter) + 1;
        var points = new List<PointD>(count);
        var radii = new List<double>(count);
        var lifts = new List<int>();
        int nextLift = 0;
        double wobbleX = 0, wobbleY = 0;
        for (int i = 0; i < count; i++)
        {
            double t = i / (double)(count - 1);
            double warped = t + (RhythmAmplitude * Math.Sin((4 * Math.PI * t) + RhythmPhase) / (4 * Math.PI));
            double s = warped * Letters;
            int letter = Math.Clamp((int)Math.Floor(s), 0, Letters - 1);
            double phase = 2 * Math.PI * s;
            // Each letter leaves and rejoins the baseline, so per-letter shapes chain without jumps.
            double y = -Heights[letter] * (1 - Math.Cos(phase)) / 2;
            double loop = LoopWidths[letter];
            double x = (Spacing * s) + (loop * Math.Sin(phase + LoopPhase)) - (loop * Math.Sin(LoopPhase)) + (WordGap * nextLift);
            y += BaselineAmplitude * Math.Sin((2 * Math.PI * t) + BaselinePhase);
            x += Slant * -y;

            // Tremor is low-pass noise: a shaky but continuous line, not salt-and-pepper.
            wobbleX = (0.6 * wobbleX) + random.Gaussian(Tremor);
            wobbleY = (0.6 * wobbleY) + random.Gaussian(Tremor);
            // Canonical units are ~30 px, so this is roughly Tremor pixels.
            points.Add(new PointD(x + (wobbleX / 30), y + (wobbleY / 30)));
            radii.Add(PenRadius * (1 + (PressureVariation * Math.Sin((6 * Math.PI * t) + PressurePhase))));
            if (nextLift < PenLifts.Length && t >= PenLifts[nextLift])
            {
                lifts.Add(i);
                nextLift++;
            }
        }

        foreach (double t in Hesitations)
        {
            lifts.Add((int)Math.Round(t * (count - 1)));
        }

        lifts.Sort();
        var strokes = new List<(List<PointD>, List<double>)>();
        int start = 0;
        foreach (int lift in lifts)
        {
            // The pen leaves the paper for a short stretch of the path.
            int end = Math.Max(start + 2, lift - 4);
            if (end < count && end > start)
            {
                strokes.Add((points[start..end], radii[start..end]));
            }

            start = Math.Min(count - 2, lift + 4);
        }

        strokes.Add((points[start..], radii[start..]));
        if (FlourishDepth > 0)
        {
            strokes.Add(Flourish(points[^1], points[0]));
        }

        return strokes;
    }

    private (List<PointD>, List<double>) Flourish(PointD end, PointD begin)
    {
        // A quadratic sweep from the last letter back under the name.
        var target = new PointD(end.X - (FlourishReach * (end.X - begin.X)), FlourishDepth * 0.9);
        var control = new PointD(end.X + (0.4 * Spacing), FlourishDepth * 1.6);
        var points = new List<PointD>();
        var radii = new List<double>();
        for (int i = 0; i <= 40; i++)
        {
            double u = i / 40.0;
            double a = (1 - u) * (1 - u), b = 2 * u * (1 - u), c = u * u;
            points.Add(new PointD((a * end.X) + (b * control.X) + (c * target.X), (a * end.Y) + (b * control.Y) + (c * target.Y)));
            radii.Add(PenRadius * (1.1 - (0.5 * u)));
        }

        return (points, radii);
    }
}
