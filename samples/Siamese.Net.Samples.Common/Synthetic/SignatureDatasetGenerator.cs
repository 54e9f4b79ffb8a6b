using System.Globalization;
using System.Text;
using Siamese.Net.Samples.Common.Imaging;

namespace Siamese.Net.Samples.Common.Synthetic;

/// <summary>
/// Writes a procedural signature set in exactly the Kaggle <c>sign_data</c> layout, so the signature sample's real
/// loading code runs on it: <c>train/NNN/*.png</c> genuine, <c>train/NNN_forg/*.PNG</c> forgeries (both naming
/// schemes and both extension cases of the real files), and <c>train_data.csv</c> with the header
/// <c>img1,img2,target</c> where target 1 = the second image is a forgery (a different pair) and 0 = both genuine.
/// </summary>
/// <remarks>
/// Each writer is a cursive pen trajectory (letter loops with writer-specific heights, width, slant, baseline drift,
/// pen lifts, pressure, optional flourish). Genuine signatures vary it slightly; each forger imitates it with a
/// systematic error of his own (proportions, slant, rhythm) and the marks of slow copying (tremor, even and heavier
/// pressure, hesitation lifts), so forgeries share the overall shape and a model must learn what a fluent hand
/// looks like to separate them.
/// </remarks>
public static class SignatureDatasetGenerator
{
    /// <summary>Nominal image size; each image varies by a few pixels around it, as scans do.</summary>
    public const int NominalWidth = 220;

    /// <summary>Nominal image height.</summary>
    public const int NominalHeight = 150;

    /// <summary>Writes the set under <paramref name="root"/> (created; existing files with the same names are replaced).</summary>
    public static GeneratedDataset Generate(string root, SignatureDatasetOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        int images = 0;
        int pairs = 0;
        var split = WriteSplit(root, "train", "train_data.csv", header: true, firstWriter: 1, options.TrainWriters, options);
        images += split.Images;
        pairs += split.Pairs;
        if (options.TestWriters > 0)
        {
            // The full Kaggle download's test_data.csv has no header line; reproduce that quirk on purpose.
            split = WriteSplit(root, "test", "test_data.csv", header: false, firstWriter: options.TrainWriters + 1, options.TestWriters, options);
            images += split.Images;
            pairs += split.Pairs;
        }

        return new GeneratedDataset(root, options.TrainWriters + options.TestWriters, images, pairs);
    }

    private static (int Images, int Pairs) WriteSplit(string root, string folder, string csvName, bool header, int firstWriter, int writers, SignatureDatasetOptions options)
    {
        string splitRoot = Path.Combine(root, folder);
        Directory.CreateDirectory(splitRoot);
        var csv = new StringBuilder();
        if (header)
        {
            csv.Append("img1,img2,target\n");
        }

        int images = 0;
        int pairs = 0;
        for (int writer = firstWriter; writer < firstWriter + writers; writer++)
        {
            var names = WriteWriter(splitRoot, writer, options);
            images += names.Genuine.Count + names.Forged.Count;
            pairs += AppendPairs(csv, names.Genuine, names.Forged, writer, options);
        }

        File.WriteAllText(Path.Combine(root, csvName), csv.ToString(), new UTF8Encoding(false));
        return (images, pairs);
    }

    private static (List<string> Genuine, List<string> Forged) WriteWriter(string splitRoot, int writer, SignatureDatasetOptions options)
    {
        string id = writer.ToString("D3", CultureInfo.InvariantCulture);
        string genuineDir = Path.Combine(splitRoot, id);
        string forgedDir = Path.Combine(splitRoot, id + "_forg");
        Directory.CreateDirectory(genuineDir);
        Directory.CreateDirectory(forgedDir);

        // Both naming schemes of the real set: "001_01.PNG" + "0119001_01.png", and "01_033.png" + "01_0203033.PNG".
        bool schemeA = writer % 2 == 1;
        var prototype = SignatureStyle.Random(DeterministicRandom.For(options.Seed, 1, writer));
        var genuine = new List<string>();
        for (int k = 1; k <= options.GenuinePerWriter; k++)
        {
            var random = DeterministicRandom.For(options.Seed, 2, writer, k);
            string file = schemeA
                ? $"{id}_{k.ToString("D2", CultureInfo.InvariantCulture)}.PNG"
                : $"{k.ToString("D2", CultureInfo.InvariantCulture)}_{id}.png";
            Render(prototype.Vary(random, 1.0), random, Path.Combine(genuineDir, file));
            genuine.Add($"{id}/{file}");
        }

        var forged = new List<string>();
        var forgerIds = PickForgerIds(DeterministicRandom.For(options.Seed, 3, writer), options.ForgersPerWriter);
        for (int f = 0; f < options.ForgersPerWriter; f++)
        {
            var forgerRandom = DeterministicRandom.For(options.Seed, 4, writer, f);
            var imitation = prototype.Imitate(forgerRandom);
            string forger = forgerIds[f].ToString("D4", CultureInfo.InvariantCulture) + id;
            for (int k = 1; k <= options.ForgeriesPerForger; k++)
            {
                var random = DeterministicRandom.For(options.Seed, 5, writer, f, k);
                string number = k.ToString("D2", CultureInfo.InvariantCulture);
                string file = schemeA ? $"{forger}_{number}.png" : $"{number}_{forger}.PNG";
                Render(imitation.Vary(random, 1.0), random, Path.Combine(forgedDir, file));
                forged.Add($"{id}_forg/{file}");
            }
        }

        return (genuine, forged);
    }

    private static int AppendPairs(StringBuilder csv, List<string> genuine, List<string> forged, int writer, SignatureDatasetOptions options)
    {
        int count = 0;
        for (int a = 0; a < genuine.Count; a++)
        {
            var random = DeterministicRandom.For(options.Seed, 6, writer, a);
            var partners = genuine.Where((_, i) => i != a).ToList();
            random.Shuffle(partners);
            var forgeries = forged.ToList();
            random.Shuffle(forgeries);

            // As in the real file, pairs are grouped by anchor: same pairs (0) and forged pairs (1) interleaved.
            var rows = partners.Take(options.SamePairsPerAnchor ?? partners.Count).Select(p => (p, 0))
                .Concat(forgeries.Take(options.ForgedPairsPerAnchor ?? forgeries.Count).Select(p => (p, 1)))
                .ToList();
            random.Shuffle(rows);
            foreach (var (partner, target) in rows)
            {
                csv.Append(genuine[a]).Append(',').Append(partner).Append(',').Append(target.ToString(CultureInfo.InvariantCulture)).Append('\n');
                count++;
            }
        }

        return count;
    }

    private static int[] PickForgerIds(DeterministicRandom random, int count)
    {
        var ids = new HashSet<int>();
        while (ids.Count < count)
        {
            // Real forger ids look like 0119, 0201, 0213: a series digit and a two-digit number.
            ids.Add((100 * random.NextInt(1, 4)) + random.NextInt(1, 100));
        }

        return [.. ids];
    }

    private static void Render(SignatureStyle style, DeterministicRandom random, string path)
    {
        int width = NominalWidth + random.NextInt(-12, 13);
        int height = NominalHeight + random.NextInt(-8, 9);
        var strokes = style.Trace(random);

        // Fit the canonical trajectory into the image with a margin, then jitter it like a hand placing the pen.
        double minX = double.MaxValue, minY = double.MaxValue, maxX = double.MinValue, maxY = double.MinValue;
        foreach (var p in strokes.SelectMany(s => s.Points))
        {
            minX = Math.Min(minX, p.X);
            maxX = Math.Max(maxX, p.X);
            minY = Math.Min(minY, p.Y);
            maxY = Math.Max(maxY, p.Y);
        }

        double scale = Math.Min(width * 0.8 / Math.Max(maxX - minX, 1e-6), height * 0.72 / Math.Max(maxY - minY, 1e-6));
        var centre = new PointD(width / 2.0, height / 2.0);
        var fit = new Affine(scale, 0, 0, scale, centre.X - (scale * (minX + maxX) / 2), centre.Y - (scale * (minY + maxY) / 2));
        var jitter = Affine.About(centre, random.Gaussian(0.035), 1 + random.Gaussian(0.03), 1 + random.Gaussian(0.03), 0, random.Gaussian(3), random.Gaussian(2));

        var canvas = new InkCanvas(width, height);
        foreach (var stroke in strokes)
        {
            var points = stroke.Points.Select(p => jitter.Apply(fit.Apply(p))).ToList();
            canvas.DrawStroke(points, stroke.Radii);
        }

        double paper = random.Uniform(232, 250);
        double ink = random.Uniform(15, 60);
        ImageFiles.WriteGrayPng(path, canvas.ToBytes(paper, ink, 2.5, random), width, height);
    }
}
