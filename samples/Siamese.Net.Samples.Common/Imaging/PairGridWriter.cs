using System.Globalization;
using SkiaSharp;

namespace Siamese.Net.Samples.Common.Imaging;

/// <summary>
/// Writes the tutorials' example picture: pairs of images side by side, each with the model's distance and verdict
/// ("same" / "different") underneath, coloured green when the verdict matches the truth and red when not (blue when
/// the truth is unknown), laid out as a grid.
/// </summary>
public static class PairGridWriter
{
    private const int Padding = 10;
    private const int Gap = 6;
    private const float TextSize = 14;
    private const float LineHeight = 18;

    /// <summary>Colour of a verdict that matches the truth.</summary>
    public static readonly SKColor Correct = new(0x1B, 0x8A, 0x3A);

    /// <summary>Colour of a verdict that contradicts the truth.</summary>
    public static readonly SKColor Wrong = new(0xC6, 0x28, 0x28);

    /// <summary>Colour of a verdict whose truth is unknown.</summary>
    public static readonly SKColor Unknown = new(0x1F, 0x4E, 0x9A);

    /// <summary>Renders <paramref name="entries"/> to a PNG at <paramref name="path"/>.</summary>
    /// <returns>The full path written.</returns>
    public static string Write(string path, IReadOnlyList<PairGridEntry> entries, PairGridOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            throw new ArgumentException("A pair grid needs at least one pair.", nameof(entries));
        }

        options ??= new PairGridOptions();
        options.Validate();
        using var bitmap = Render(entries, options);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        using (var stream = File.Create(full))
        {
            data.SaveTo(stream);
        }

        return full;
    }

    /// <summary>The verdict line under a pair, e.g. "distance 0.532: same".</summary>
    public static string VerdictText(PairGridEntry entry, string distanceLabel)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return string.Create(CultureInfo.InvariantCulture, $"{distanceLabel} {entry.Distance:F3}: {(entry.PredictedSame ? "same" : "different")}");
    }

    /// <summary>Green when the verdict is right, red when wrong, blue when the truth is unknown.</summary>
    public static SKColor VerdictColor(PairGridEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.ActuallySame is bool truth ? (truth == entry.PredictedSame ? Correct : Wrong) : Unknown;
    }

    private static SKBitmap Render(IReadOnlyList<PairGridEntry> entries, PairGridOptions options)
    {
        int imageHeight = options.ImageHeight;
        int slotWidth = entries.SelectMany(e => new[] { e.First, e.Second }).Max(i => ScaledWidth(i, imageHeight));
        bool anyTruth = entries.Any(e => e.ActuallySame is not null);
        bool anyCaption = entries.Any(e => !string.IsNullOrEmpty(e.Caption));
        int textLines = 1 + (anyTruth ? 1 : 0) + (anyCaption ? 1 : 0);
        int cellWidth = (2 * slotWidth) + Gap + (2 * Padding);
        int cellHeight = imageHeight + (2 * Padding) + (int)Math.Ceiling(textLines * LineHeight);
        int columns = Math.Min(options.Columns, entries.Count);
        int rows = (entries.Count + columns - 1) / columns;
        int titleHeight = options.Title is null ? 0 : 30;
        var bitmap = new SKBitmap(new SKImageInfo(columns * cellWidth, titleHeight + (rows * cellHeight), SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        using var typeface = ResolveTypeface();
        using var font = new SKFont(typeface, TextSize);
        using var titleFont = new SKFont(typeface, 18) { Embolden = true };
        using var textPaint = new SKPaint { IsAntialias = true };
        using var border = new SKPaint { Color = new SKColor(0xDD, 0xDD, 0xDD), Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
        if (options.Title is not null)
        {
            textPaint.Color = SKColors.Black;
            canvas.DrawText(options.Title, bitmap.Width / 2f, 21, SKTextAlign.Center, titleFont, textPaint);
        }

        for (int i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            int left = (i % columns) * cellWidth;
            int top = titleHeight + ((i / columns) * cellHeight);
            canvas.DrawRect(left + 0.5f, top + 0.5f, cellWidth - 1, cellHeight - 1, border);
            DrawImage(canvas, entry.First, left + Padding, top + Padding, slotWidth, imageHeight);
            DrawImage(canvas, entry.Second, left + Padding + slotWidth + Gap, top + Padding, slotWidth, imageHeight);

            float centre = left + (cellWidth / 2f);
            float baseline = top + Padding + imageHeight + LineHeight;
            textPaint.Color = VerdictColor(entry);
            canvas.DrawText(VerdictText(entry, options.DistanceLabel), centre, baseline, SKTextAlign.Center, font, textPaint);
            textPaint.Color = new SKColor(0x55, 0x55, 0x55);
            if (entry.ActuallySame is bool truth)
            {
                baseline += LineHeight;
                canvas.DrawText(truth ? "truth: same" : "truth: different", centre, baseline, SKTextAlign.Center, font, textPaint);
            }

            if (!string.IsNullOrEmpty(entry.Caption))
            {
                baseline += LineHeight;
                canvas.DrawText(entry.Caption, centre, baseline, SKTextAlign.Center, font, textPaint);
            }
        }

        return bitmap;
    }

    private static int ScaledWidth(GrayImage image, int height) => Math.Max(1, (int)Math.Round(image.Width * (double)height / image.Height));

    private static void DrawImage(SKCanvas canvas, GrayImage image, int left, int top, int slotWidth, int height)
    {
        using var source = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Gray8, SKAlphaType.Opaque));
        byte[] bytes = image.ToBytes();
        var span = source.GetPixelSpan();
        int rowBytes = source.RowBytes;
        for (int y = 0; y < image.Height; y++)
        {
            bytes.AsSpan(y * image.Width, image.Width).CopyTo(span.Slice(y * rowBytes, image.Width));
        }

        using var skImage = SKImage.FromBitmap(source);
        int width = ScaledWidth(image, height);
        float x = left + ((slotWidth - width) / 2f);
        canvas.DrawImage(skImage, new SKRect(x, top, x + width, top + height), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
    }

    private static SKTypeface ResolveTypeface()
    {
        // A sans face where the system has one; Skia's default otherwise. Without any font installed the pictures are
        // still written, only without their captions.
        foreach (string family in (ReadOnlySpan<string>)["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "Noto Sans"])
        {
            var typeface = SKFontManager.Default.MatchFamily(family);
            if (typeface is not null)
            {
                return typeface;
            }
        }

        return SKTypeface.CreateDefault();
    }
}
