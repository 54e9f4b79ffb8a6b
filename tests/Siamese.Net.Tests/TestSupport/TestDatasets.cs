using Siamese.Net.Imaging;

namespace Siamese.Net.Tests.TestSupport;

/// <summary>
/// Writes small folder-per-class datasets whose every image is a flat grey level that encodes (class, image), so a
/// test can tell from a loaded tensor's mean which file it came from.
/// </summary>
public static class TestDatasets
{
    /// <summary>Grey level (0..255) of image <paramref name="index"/> of class <paramref name="classIndex"/>.</summary>
    public static int Level(int classIndex, int index) => (classIndex * 16) + index + 8;

    /// <summary>Decodes a level back from a loaded tensor's mean (values in [0, 1]).</summary>
    public static (int Class, int Index) Identify(float mean)
    {
        int level = (int)Math.Round(mean * 255) - 8;
        return (level / 16, level % 16);
    }

    /// <summary>
    /// Writes <c>root/&lt;prefix&gt;&lt;c&gt;/&lt;i&gt;.&lt;ext&gt;</c> for each class; sizes vary by image when
    /// <paramref name="mixedSizes"/> so that the pipeline's resize is exercised.
    /// </summary>
    public static void WriteFolders(string root, int[] imagesPerClass, string ext = "pgm", string classPrefix = "c", bool mixedSizes = false)
    {
        for (int c = 0; c < imagesPerClass.Length; c++)
        {
            var folder = Path.Combine(root, $"{classPrefix}{c:D2}");
            Directory.CreateDirectory(folder);
            for (int i = 0; i < imagesPerClass[c]; i++)
            {
                int w = mixedSizes ? 6 + (i * 3) : 8, h = mixedSizes ? 10 - i : 8;
                File.WriteAllBytes(Path.Combine(folder, $"{i:D2}.{ext}"), Image(w, h, Level(c, i), ext));
            }
        }
    }

    public static byte[] Image(int w, int h, int level, string ext) => ext switch
    {
        "pgm" => TestImageWriter.PgmBinary(w, h, 255, Enumerable.Repeat(level, w * h).ToArray()),
        "png" => TestImageWriter.GreyPng(w, h, (_, _) => level),
        _ => throw new ArgumentOutOfRangeException(nameof(ext)),
    };

    /// <summary>Preprocessing that keeps flat images flat: 8x8 grey, no inversion.</summary>
    public static ImagePreprocessing Small { get; } = new() { Width = 8, Height = 8 };
}
