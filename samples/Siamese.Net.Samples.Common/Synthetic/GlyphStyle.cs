namespace Siamese.Net.Samples.Common.Synthetic;

/// <summary>An alphabet's drawing habits, and how characters in it are made and redrawn.</summary>
internal sealed record GlyphStyle(int MinStrokes, int MaxStrokes, int MinPoints, int MaxPoints, double StepMin, double StepMax, double Turn)
{
    private const double Margin = 18;
    private const double Far = GlyphDatasetGenerator.Size - Margin;

    public static GlyphStyle Random(DeterministicRandom r)
    {
        int minStrokes = r.NextInt(1, 3);
        return new GlyphStyle(
            minStrokes,
            minStrokes + r.NextInt(1, 3),
            2,
            r.NextInt(3, 6),
            r.Uniform(14, 22),
            r.Uniform(26, 40),
            r.Uniform(0.4, 2.2));
    }

    /// <summary>A character: strokes as control points in image coordinates.</summary>
    public List<List<PointD>> NewCharacter(DeterministicRandom r)
    {
        int strokes = r.NextInt(MinStrokes, MaxStrokes + 1);
        var character = new List<List<PointD>>(strokes);
        for (int s = 0; s < strokes; s++)
        {
            int count = r.NextInt(MinPoints, MaxPoints + 1);
            // Later strokes often start on an earlier one, as real characters are connected.
            PointD start = s > 0 && r.Chance(0.6)
                ? Pick(character[r.NextInt(0, s)], r)
                : new PointD(r.Uniform(Margin, Far), r.Uniform(Margin, Far));
            var points = new List<PointD> { start };
            double heading = r.Uniform(0, 2 * Math.PI);
            for (int i = 1; i < count; i++)
            {
                heading += r.Gaussian(Turn);
                double step = r.Uniform(StepMin, StepMax);
                var next = new PointD(points[^1].X + (step * Math.Cos(heading)), points[^1].Y + (step * Math.Sin(heading)));
                if (next.X < Margin || next.X > Far || next.Y < Margin || next.Y > Far)
                {
                    // Turn back into the box rather than clipping, so strokes keep their length.
                    heading += Math.PI;
                    next = new PointD(Math.Clamp(points[^1].X + (step * Math.Cos(heading)), Margin, Far), Math.Clamp(points[^1].Y + (step * Math.Sin(heading)), Margin, Far));
                }

                points.Add(next);
            }

            character.Add(points);
        }

        return Normalise(character, r.Uniform(48, 76));
    }

    /// <summary>Centres a character and scales its larger side to <paramref name="extent"/>, as Omniglot's drawing pad framed them.</summary>
    private static List<List<PointD>> Normalise(List<List<PointD>> character, double extent)
    {
        var all = character.SelectMany(s => s).ToList();
        double minX = all.Min(p => p.X), maxX = all.Max(p => p.X), minY = all.Min(p => p.Y), maxY = all.Max(p => p.Y);
        double side = Math.Max(Math.Max(maxX - minX, maxY - minY), 1);
        // Short one-stroke characters are not blown up into thick blobs: at most double size.
        double scale = Math.Min(extent / side, 2.0);
        double cx = (minX + maxX) / 2, cy = (minY + maxY) / 2;
        const double centre = GlyphDatasetGenerator.Size / 2.0;
        return [.. character.Select(s => s.Select(p => new PointD(centre + ((p.X - cx) * scale), centre + ((p.Y - cy) * scale))).ToList())];
    }

    /// <summary>One drawer's rendition: strokes as dense polylines with a pen radius.</summary>
    public static IEnumerable<(List<PointD> Points, double Radius)> Draw(List<List<PointD>> character, DeterministicRandom r)
    {
        const double centre = GlyphDatasetGenerator.Size / 2.0;
        var hand = Affine.About(new PointD(centre, centre), r.Gaussian(0.07), Math.Exp(r.Gaussian(0.07)), Math.Exp(r.Gaussian(0.07)), r.Gaussian(0.1), r.Gaussian(3), r.Gaussian(3));
        double radius = r.Uniform(1.1, 1.9);
        foreach (var stroke in character)
        {
            var control = stroke.Select(p => hand.Apply(new PointD(p.X + r.Gaussian(2.2), p.Y + r.Gaussian(2.2)))).ToList();
            yield return (CatmullRom(control, 12), radius);
        }
    }

    private static PointD Pick(List<PointD> stroke, DeterministicRandom r) => stroke[r.NextInt(0, stroke.Count)];

    /// <summary>A smooth curve through every control point.</summary>
    private static List<PointD> CatmullRom(List<PointD> p, int perSegment)
    {
        if (p.Count == 1)
        {
            return [p[0]];
        }

        var result = new List<PointD>();
        for (int i = 0; i < p.Count - 1; i++)
        {
            PointD p0 = p[Math.Max(0, i - 1)], p1 = p[i], p2 = p[i + 1], p3 = p[Math.Min(p.Count - 1, i + 2)];
            for (int k = 0; k < perSegment; k++)
            {
                double t = k / (double)perSegment, t2 = t * t, t3 = t2 * t;
                result.Add(new PointD(
                    0.5 * ((2 * p1.X) + ((-p0.X + p2.X) * t) + (((2 * p0.X) - (5 * p1.X) + (4 * p2.X) - p3.X) * t2) + ((-p0.X + (3 * p1.X) - (3 * p2.X) + p3.X) * t3)),
                    0.5 * ((2 * p1.Y) + ((-p0.Y + p2.Y) * t) + (((2 * p0.Y) - (5 * p1.Y) + (4 * p2.Y) - p3.Y) * t2) + ((-p0.Y + (3 * p1.Y) - (3 * p2.Y) + p3.Y) * t3))));
            }
        }

        result.Add(p[^1]);
        return result;
    }
}
