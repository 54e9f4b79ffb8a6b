using System.Globalization;

namespace Siamese.Net.Samples.Common.Cli;

/// <summary>Parses an image-size option: <c>N</c> for a square or <c>WIDTHxHEIGHT</c>.</summary>
public static class ImageSizeText
{
    /// <summary>"56" → (56, 56), "48x56" → (48, 56) as (width, height); null when malformed (range checks are the caller's).</summary>
    public static (int Width, int Height)? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().ToUpperInvariant().Split('X');
        var numbers = parts.Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : -1).ToArray();
        return parts.Length is < 1 or > 2 || numbers.Any(n => n < 0) ? null : (numbers[0], numbers[^1]);
    }
}
