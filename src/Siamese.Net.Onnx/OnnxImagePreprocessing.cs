using System.Numerics.Tensors;
using System.Text.Json;
using System.Text.Json.Serialization;
using Siamese.Net.Imaging;
using Siamese.Net.Onnx.Imaging;

namespace Siamese.Net.Onnx;

/// <summary>
/// The deterministic preprocessing of a deployed model, in managed code with no tensor library: the same settings,
/// JSON shape and arithmetic as Siamese.Net's <c>ImagePreprocessing</c> (tested equal to it within 1e-5), so the ONNX
/// encoder sees exactly the inputs it was trained on. A bundle carries these settings.
/// </summary>
/// <remarks>
/// Order of operations, as in the core: colour conversion, ink normalisation (<see cref="InkNormalization"/>, then
/// <see cref="CropToInk"/>, the core's own implementation file), pad to the target aspect ratio with
/// <see cref="BackgroundValue"/> (when <see cref="PadToAspect"/>), resize (only when the size differs, then clamped to
/// [0, 1]), inversion 1 − v (when <see cref="Invert"/>), then (v − mean) / std per channel. Elementwise arithmetic
/// uses <see cref="TensorPrimitives"/>.
/// </remarks>
public sealed record OnnxImagePreprocessing
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        // A setting this version does not know must not be dropped silently: the encoder would see other inputs.
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private readonly int _width = 105;
    private readonly int _height = 105;
    private readonly float _backgroundValue = 1f;
    private readonly ColorMode _colorMode = ColorMode.Grayscale;
    private readonly ResizeMode _resizeMode = ResizeMode.Bilinear;
    private readonly InkNormalization _inkNormalization = InkNormalization.None;
    private readonly float[]? _mean;
    private readonly float[]? _std;

    /// <summary>Output width in pixels (default 105).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int Width
    {
        get => _width;
        init => _width = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Width), value, "Width must be at least 1.");
    }

    /// <summary>Output height in pixels (default 105).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int Height
    {
        get => _height;
        init => _height = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Height), value, "Height must be at least 1.");
    }

    /// <summary>Channel layout of the output (default grey).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined member.</exception>
    public ColorMode ColorMode
    {
        get => _colorMode;
        init => _colorMode = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(ColorMode), value, "Unknown ColorMode.");
    }

    /// <summary>Resampling used by the resize (default bilinear).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined member.</exception>
    public ResizeMode ResizeMode
    {
        get => _resizeMode;
        init => _resizeMode = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(ResizeMode), value, "Unknown ResizeMode.");
    }

    /// <summary>When true the image is padded with <see cref="BackgroundValue"/> to the target aspect ratio before the resize.</summary>
    public bool PadToAspect { get; init; }

    /// <summary>The background pixel value in [0, 1] before inversion (default 1, white), used for padding.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside [0, 1] or not a number.</exception>
    public float BackgroundValue
    {
        get => _backgroundValue;
        init => _backgroundValue = value is >= 0f and <= 1f
            ? value
            : throw new ArgumentOutOfRangeException(nameof(BackgroundValue), value, "BackgroundValue must be in [0, 1].");
    }

    /// <summary>When true, pixel values become 1 − v (ink bright on dark, SigNet's input).</summary>
    public bool Invert { get; init; }

    /// <summary>How the ink's intensity is removed before the resize (default none); needs grey and BackgroundValue 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined member.</exception>
    public InkNormalization InkNormalization
    {
        get => _inkNormalization;
        init => _inkNormalization = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(InkNormalization), value, "Unknown InkNormalization.");
    }

    /// <summary>When true (with an ink normalisation), the binarised image is cropped to its ink's box before padding.</summary>
    public bool CropToInk { get; init; }

    /// <summary>Per-channel means subtracted after inversion: one value or one per channel; null for none.</summary>
    /// <exception cref="ArgumentException">Empty, or a value that is not finite.</exception>
    public IReadOnlyList<float>? Mean
    {
        get => _mean;
        init => _mean = CopyStatistics(value, nameof(Mean), positive: false);
    }

    /// <summary>Per-channel standard deviations divided by after the mean: one value or one per channel; null for none.</summary>
    /// <exception cref="ArgumentException">Empty, or a value that is not finite and positive.</exception>
    public IReadOnlyList<float>? Std
    {
        get => _std;
        init => _std = CopyStatistics(value, nameof(Std), positive: true);
    }

    /// <summary>Number of output channels (1 for grey, 3 for RGB).</summary>
    [JsonIgnore]
    public int Channels => ColorMode == ColorMode.Grayscale ? 1 : 3;

    /// <summary>Number of floats in one preprocessed image: Channels · Height · Width.</summary>
    [JsonIgnore]
    public int ImageLength => Channels * Height * Width;

    /// <summary>Reads settings in the JSON shape of Siamese.Net's <c>ImagePreprocessing.ToJson</c>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <exception cref="ArgumentException">Malformed JSON or invalid settings.</exception>
    public static OnnxImagePreprocessing FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        OnnxImagePreprocessing? result;
        try
        {
            result = JsonSerializer.Deserialize<OnnxImagePreprocessing>(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"Invalid preprocessing JSON: {ex.Message}", nameof(json), ex);
        }

        if (result is null)
        {
            throw new ArgumentException("Invalid preprocessing JSON: null.", nameof(json));
        }

        result.Validate();
        return result;
    }

    /// <summary>Writes these settings as JSON (PascalCase, enums by name), readable by the core's <c>ImagePreprocessing.FromJson</c>.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Checks that Mean and Std have 1 or <see cref="Channels"/> values and that ink normalisation has grey on white.</summary>
    /// <exception cref="ArgumentException">A statistics list of another length, or an invalid ink setting.</exception>
    public void Validate()
    {
        if (_inkNormalization != InkNormalization.None && (_colorMode != ColorMode.Grayscale || _backgroundValue != 1f))
        {
            throw new ArgumentException(
                $"InkNormalization {_inkNormalization} needs ColorMode Grayscale and BackgroundValue 1 (got {_colorMode}, {_backgroundValue}).", nameof(InkNormalization));
        }

        if (CropToInk && _inkNormalization == InkNormalization.None)
        {
            throw new ArgumentException("CropToInk needs an InkNormalization to find the ink.", nameof(CropToInk));
        }

        foreach (var (values, name) in new[] { (_mean, nameof(Mean)), (_std, nameof(Std)) })
        {
            if (values is not null && values.Length != 1 && values.Length != Channels)
            {
                throw new ArgumentException($"{name} has {values.Length} values; it needs 1 or {Channels} (one per channel of {ColorMode}).", name);
            }
        }
    }

    /// <summary>Reads, decodes (PNG, JPEG, BMP, PGM) and preprocesses an image file.</summary>
    /// <param name="path">The image file.</param>
    /// <returns>Planar floats [Channels, Height, Width].</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a decodable image.</exception>
    public float[] Load(string path)
    {
        var (planar, height, width) = ManagedImageDecoder.DecodeFile(path, ColorMode);
        return Apply(planar, Channels, height, width);
    }

    /// <summary>Preprocesses one decoded image.</summary>
    /// <param name="image">Planar floats [channels, height, width] in [0, 1].</param>
    /// <param name="channels">1 or 3.</param>
    /// <param name="height">Input height (any).</param>
    /// <param name="width">Input width (any).</param>
    /// <returns>Planar floats [Channels, Height, Width].</returns>
    /// <exception cref="ArgumentException">A channel count other than 1 or 3, or a length that does not match.</exception>
    public float[] Apply(ReadOnlySpan<float> image, int channels, int height, int width)
    {
        if (channels is not (1 or 3))
        {
            throw new ArgumentException($"Expected an image with 1 or 3 channels, got {channels}.", nameof(channels));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        if ((long)channels * height * width != image.Length)
        {
            throw new ArgumentException($"A [{channels}, {height}, {width}] image has {(long)channels * height * width} values; {image.Length} were given.", nameof(image));
        }

        Validate();
        var x = ConvertChannels(image, channels, height * width);
        int c = Channels;
        if (_inkNormalization != InkNormalization.None)
        {
            (x, height, width) = InkBinarizer.Apply(x, height, width, CropToInk, _inkNormalization == InkNormalization.OtsuBinarizeUniformStrokes, Height, Width);
        }

        if (PadToAspect)
        {
            (x, height, width) = PadToTargetAspect(x, c, height, width);
        }

        if (height != Height || width != Width)
        {
            x = ResizeMode switch
            {
                ResizeMode.Area => Resampling.AdaptivePool(x, c, height, width, Height, Width, minimum: false),
                ResizeMode.MinPool => Resampling.AdaptivePool(x, c, height, width, Height, Width, minimum: true),
                _ => Resampling.Bilinear(x, c, height, width, Height, Width),
            };
            TensorPrimitives.Max(x, 0f, x);
            TensorPrimitives.Min(x, 1f, x);
        }

        if (Invert)
        {
            TensorPrimitives.Subtract(1f, x, x);
        }

        int plane = Height * Width;
        for (int ch = 0; ch < c; ch++)
        {
            var span = x.AsSpan(ch * plane, plane);
            if (_mean is not null)
            {
                TensorPrimitives.Subtract(span, _mean[_mean.Length == 1 ? 0 : ch], span);
            }

            if (_std is not null)
            {
                TensorPrimitives.Divide(span, _std[_std.Length == 1 ? 0 : ch], span);
            }
        }

        return x;
    }

    /// <inheritdoc />
    public bool Equals(OnnxImagePreprocessing? other) =>
        other is not null
        && _width == other._width
        && _height == other._height
        && _colorMode == other._colorMode
        && _resizeMode == other._resizeMode
        && PadToAspect == other.PadToAspect
        && _backgroundValue.Equals(other._backgroundValue)
        && Invert == other.Invert
        && _inkNormalization == other._inkNormalization
        && CropToInk == other.CropToInk
        && SameValues(_mean, other._mean)
        && SameValues(_std, other._std);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_width, _height, _colorMode, _resizeMode, PadToAspect, _backgroundValue, Invert, HashCode.Combine(_inkNormalization, CropToInk));

    private float[] ConvertChannels(ReadOnlySpan<float> image, int channels, int plane)
    {
        if (ColorMode == ColorMode.Grayscale && channels == 3)
        {
            // (x · [0.299, 0.587, 0.114]).sum(channel), as the core; no clamp here (the decoder's own conversion clamps).
            var grey = new float[plane];
            TensorPrimitives.Multiply(image.Slice(0, plane), 0.299f, grey);
            TensorPrimitives.MultiplyAdd(image.Slice(plane, plane), 0.587f, grey, grey);
            TensorPrimitives.MultiplyAdd(image.Slice(2 * plane, plane), 0.114f, grey, grey);
            return grey;
        }

        if (ColorMode == ColorMode.Rgb && channels == 1)
        {
            var rgb = new float[3 * plane];
            for (int c = 0; c < 3; c++)
            {
                image.CopyTo(rgb.AsSpan(c * plane, plane));
            }

            return rgb;
        }

        return image.ToArray();
    }

    private (float[] Image, int Height, int Width) PadToTargetAspect(float[] x, int channels, int h, int w)
    {
        // The core's rule: compare w/h with Width/Height without division, split the padding evenly (odd pixel after).
        long left = 0, right = 0, top = 0, bottom = 0;
        if ((long)w * Height < (long)Width * h)
        {
            long newWidth = (long)Math.Round((double)h * Width / Height);
            left = (newWidth - w) / 2;
            right = newWidth - w - left;
        }
        else if ((long)w * Height > (long)Width * h)
        {
            long newHeight = (long)Math.Round((double)w * Height / Width);
            top = (newHeight - h) / 2;
            bottom = newHeight - h - top;
        }

        if (left + right + top + bottom == 0)
        {
            return (x, h, w);
        }

        int outH = checked((int)(h + top + bottom)), outW = checked((int)(w + left + right));
        var result = new float[channels * outH * outW];
        result.AsSpan().Fill(BackgroundValue);
        for (int c = 0; c < channels; c++)
        {
            for (int y = 0; y < h; y++)
            {
                x.AsSpan((c * h * w) + (y * w), w).CopyTo(result.AsSpan((int)((c * outH * outW) + ((y + top) * outW) + left), w));
            }
        }

        return (result, outH, outW);
    }

    private static float[]? CopyStatistics(IReadOnlyList<float>? values, string name, bool positive)
    {
        if (values is null)
        {
            return null;
        }

        if (values.Count == 0)
        {
            throw new ArgumentException($"{name} must have 1 or one-per-channel values, or be null; it is empty.", name);
        }

        var copy = values.ToArray();
        for (int i = 0; i < copy.Length; i++)
        {
            if (!float.IsFinite(copy[i]) || (positive && copy[i] <= 0f))
            {
                throw new ArgumentException($"{name}[{i}] is {copy[i]}; it must be finite{(positive ? " and positive" : string.Empty)}.", name);
            }
        }

        return copy;
    }

    private static bool SameValues(float[]? a, float[]? b) =>
        a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
}
