using System.Globalization;
using Siamese.Net.Samples.Common.Imaging;

namespace Siamese.Net.Samples.Common.Synthetic;

/// <summary>
/// Writes procedural handwritten characters in exactly the Omniglot layout:
/// <c>Alphabet/characterNN/XXXX_YY.png</c>, 105x105, black strokes on white, where XXXX numbers the character across
/// the whole set and YY the drawer.
/// </summary>
/// <remarks>
/// An alphabet has a style (how many strokes, how curly, how long); a character is a set of smooth strokes drawn in
/// that style; a drawer reproduces it with a hand of his own (placement, size, slant, wobbly control points, pen
/// width). Characters of one alphabet look alike, which is what makes Lake's within-alphabet runs hard.
/// </remarks>
public static class GlyphDatasetGenerator
{
    /// <summary>Omniglot image side.</summary>
    public const int Size = 105;

    /// <summary>Writes the set under <paramref name="root"/> (created; existing files with the same names are replaced).</summary>
    public static GeneratedDataset Generate(string root, GlyphDatasetOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        int characterNumber = 0;
        for (int a = 1; a <= options.Alphabets; a++)
        {
            var style = GlyphStyle.Random(DeterministicRandom.For(options.Seed, 1, a));
            string alphabet = Path.Combine(root, "Synthetic_Alphabet_" + a.ToString("D2", CultureInfo.InvariantCulture));
            for (int c = 1; c <= options.CharactersPerAlphabet; c++)
            {
                characterNumber++;
                var character = style.NewCharacter(DeterministicRandom.For(options.Seed, 2, a, c));
                string folder = Path.Combine(alphabet, "character" + c.ToString("D2", CultureInfo.InvariantCulture));
                Directory.CreateDirectory(folder);
                for (int d = 1; d <= options.Drawers; d++)
                {
                    var random = DeterministicRandom.For(options.Seed, 3, a, c, d);
                    var canvas = new InkCanvas(Size, Size);
                    foreach (var (points, radius) in GlyphStyle.Draw(character, random))
                    {
                        canvas.DrawStroke(points, radius);
                    }

                    string file = $"{characterNumber.ToString("D4", CultureInfo.InvariantCulture)}_{d.ToString("D2", CultureInfo.InvariantCulture)}.png";
                    ImageFiles.WriteGrayPng(Path.Combine(folder, file), canvas.ToBinaryBytes(), Size, Size);
                }
            }
        }

        return new GeneratedDataset(root, characterNumber, characterNumber * options.Drawers);
    }
}
