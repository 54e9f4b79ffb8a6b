using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Siamese.Net.Imaging;

/// <summary>
/// The deterministic image preprocessing of a model: colour mode, optional padding to the target aspect ratio,
/// resize, optional inversion and mean/std normalisation. Immutable and JSON-serialisable, so the settings a model
/// was trained with are saved beside it and the very same object prepares one-shot queries at inference.
/// </summary>
/// <remarks>
/// Order of operations: colour conversion, optional ink normalisation (<see cref="InkNormalization"/>, then
/// <see cref="CropToInk"/>), pad to aspect (with <see cref="BackgroundValue"/>), resize, optional
/// training-time augmentation (see <see cref="Apply(Tensor, ImageAugmentation?, Random?)"/>), invert, normalise.
/// Images of any size are accepted: mixed sizes in a dataset all come out at <see cref="Height"/> x <see cref="Width"/>.
/// </remarks>
public sealed record ImagePreprocessing
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        // A setting this version does not know must not be dropped silently: it would change what the model sees.
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private static readonly float[] LumaWeights = [0.299f, 0.587f, 0.114f];

    private readonly int _width = 105;
    private readonly int _height = 105;
    private readonly float _backgroundValue = 1f;
    private readonly ColorMode _colorMode = ColorMode.Grayscale;
    private readonly ResizeMode _resizeMode = ResizeMode.Bilinear;
    private readonly InkNormalization _inkNormalization = InkNormalization.None;
    private readonly float[]? _mean;
    private readonly float[]? _std;

    /// <summary>Output width in pixels (default 105, Omniglot's size).</summary>
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

    /// <summary>Channel layout of the output (default grey, one channel).</summary>
    public ColorMode ColorMode
    {
        get => _colorMode;
        init => _colorMode = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(ColorMode), value, "Unknown ColorMode.");
    }

    /// <summary>Resampling used by the resize (default bilinear).</summary>
    public ResizeMode ResizeMode
    {
        get => _resizeMode;
        init => _resizeMode = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(ResizeMode), value, "Unknown ResizeMode.");
    }

    /// <summary>
    /// When true the image is padded with <see cref="BackgroundValue"/> to the target aspect ratio before it is
    /// resized, so a wide signature is not squashed; when false (default) it is stretched to the target size.
    /// </summary>
    public bool PadToAspect { get; init; }

    /// <summary>
    /// The pixel value of the background in [0, 1] before inversion (default 1, white paper), used for padding and for
    /// the area that augmentation moves into view.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside [0, 1] or not a number.</exception>
    public float BackgroundValue
    {
        get => _backgroundValue;
        init => _backgroundValue = value is >= 0f and <= 1f
            ? value
            : throw new ArgumentOutOfRangeException(nameof(BackgroundValue), value, "BackgroundValue must be in [0, 1].");
    }

    /// <summary>When true, pixel values become 1 - v, so ink is bright on a dark background (SigNet's input).</summary>
    public bool Invert { get; init; }

    /// <summary>
    /// How the intensity of the ink is removed before the resize (default <see cref="Imaging.InkNormalization.None"/>).
    /// <see cref="Imaging.InkNormalization.OtsuBinarize"/> needs <see cref="ColorMode.Grayscale"/> and a
    /// <see cref="BackgroundValue"/> of 1 (white paper), and is best followed by <see cref="ResizeMode.Area"/>, which
    /// turns the binary strokes into coverage (min pooling would thicken every stroke to a whole cell).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined member.</exception>
    public InkNormalization InkNormalization
    {
        get => _inkNormalization;
        init => _inkNormalization = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(InkNormalization), value, "Unknown InkNormalization.");
    }

    /// <summary>
    /// When true (with an <see cref="InkNormalization"/>), the binarised image is cropped to the box of its ink (the
    /// outermost 0.5 % of ink pixels on each side ignored, so a speck of dust does not set it) before padding, so the
    /// writing is centred and fills the input whatever the margins of the scan.
    /// </summary>
    public bool CropToInk { get; init; }

    /// <summary>
    /// Per-channel means subtracted after inversion: one value (all channels) or one per channel; null for none.
    /// </summary>
    /// <exception cref="ArgumentException">Empty, or contains a value that is not finite.</exception>
    public IReadOnlyList<float>? Mean
    {
        get => _mean;
        init => _mean = CopyStatistics(value, nameof(Mean), positive: false);
    }

    /// <summary>
    /// Per-channel standard deviations divided by after the mean is subtracted: one value or one per channel; null
    /// for none. Every value must be positive.
    /// </summary>
    /// <exception cref="ArgumentException">Empty, or contains a value that is not finite and positive.</exception>
    public IReadOnlyList<float>? Std
    {
        get => _std;
        init => _std = CopyStatistics(value, nameof(Std), positive: true);
    }

    /// <summary>Number of output channels (1 for grey, 3 for RGB).</summary>
    [JsonIgnore]
    public int Channels => ColorMode == ColorMode.Grayscale ? 1 : 3;

    /// <summary>
    /// Signature preprocessing that cannot see ink darkness (after Hafemann et al. 2017, SigNet): grey, Otsu binarisation,
    /// crop to the ink, pad to the target aspect on white (centring the writing), area resize, invert (ink 1, paper 0).
    /// Add <see cref="Mean"/> and <see cref="Std"/> with <c>with</c> for a standardised input.
    /// </summary>
    /// <param name="height">Output height in pixels.</param>
    /// <param name="width">Output width in pixels.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size less than 1.</exception>
    public static ImagePreprocessing InkInvariantSignature(int height, int width) => new()
    {
        Height = height,
        Width = width,
        ColorMode = ColorMode.Grayscale,
        InkNormalization = InkNormalization.OtsuBinarize,
        CropToInk = true,
        PadToAspect = true,
        ResizeMode = ResizeMode.Area,
        Invert = true,
    };

    /// <summary>Reads settings written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <exception cref="ArgumentException">The JSON is malformed or holds invalid settings.</exception>
    public static ImagePreprocessing FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        ImagePreprocessing? result;
        try
        {
            result = JsonSerializer.Deserialize<ImagePreprocessing>(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"Invalid ImagePreprocessing JSON: {ex.Message}", nameof(json), ex);
        }

        if (result is null)
        {
            throw new ArgumentException("Invalid ImagePreprocessing JSON: null.", nameof(json));
        }

        result.Validate();
        return result;
    }

    /// <summary>Writes these settings as JSON (enums by name).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Checks the settings that involve several properties (statistics length against the channel count, ink normalisation).</summary>
    /// <exception cref="ArgumentException">
    /// Mean or Std has a length other than 1 or <see cref="Channels"/>; an ink normalisation without grey or white
    /// background; <see cref="CropToInk"/> without an ink normalisation.
    /// </exception>
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
                throw new ArgumentException(
                    $"{name} has {values.Length} values; it needs 1 or {Channels} (one per channel of {ColorMode}).", name);
            }
        }
    }

    /// <summary>Preprocesses an image or a batch deterministically (no augmentation).</summary>
    /// <param name="image">Float tensor [C, H, W] or [N, C, H, W] in [0, 1], C = 1 or 3, any H and W.</param>
    /// <returns>A new tensor [C', Height, Width] (or [N, C', Height, Width]) with C' = <see cref="Channels"/>.</returns>
    /// <exception cref="ArgumentException">The tensor is not of rank 3 or 4 or has a channel count other than 1 or 3.</exception>
    public Tensor Apply(Tensor image) => Apply(image, augmentation: null, random: null);

    /// <summary>Preprocesses with training-time augmentation applied after the resize and before inversion.</summary>
    /// <param name="image">Float tensor [C, H, W] or [N, C, H, W] in [0, 1].</param>
    /// <param name="augmentation">The augmentation, or null for none.</param>
    /// <param name="random">The source of randomness; required when <paramref name="augmentation"/> is given.</param>
    /// <returns>A new tensor of the output size.</returns>
    public Tensor Apply(Tensor image, ImageAugmentation? augmentation, Random? random)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (augmentation is not null)
        {
            ArgumentNullException.ThrowIfNull(random);
        }

        // Settings read from JSON by hand-written code may pair RGB with one mean per channel of grey; say so here
        // rather than fail in a broadcast deep inside TorchSharp.
        Validate();
        using var scope = torch.NewDisposeScope();
        var x = Geometric(image);
        if (augmentation is not null)
        {
            x = augmentation.Apply(x, random!, BackgroundValue);
        }

        return Photometric(x).MoveToOuterDisposeScope();
    }

    /// <summary>Reads, decodes and preprocesses an image file.</summary>
    /// <param name="path">The image file.</param>
    /// <param name="decoder">The decoder; <see cref="StbImageDecoder.Default"/> when null.</param>
    /// <returns>A new tensor [<see cref="Channels"/>, Height, Width].</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a decodable image.</exception>
    public Tensor Load(string path, IImageDecoder? decoder = null)
    {
        using var scope = torch.NewDisposeScope();
        var decoded = ImageFile.Decode(path, decoder ?? StbImageDecoder.Default, ColorMode);
        return Apply(decoded).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public bool Equals(ImagePreprocessing? other) =>
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
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(_width);
        hash.Add(_height);
        hash.Add(_colorMode);
        hash.Add(_resizeMode);
        hash.Add(PadToAspect);
        hash.Add(_backgroundValue);
        hash.Add(Invert);
        hash.Add(_inkNormalization);
        hash.Add(CropToInk);
        foreach (var v in _mean ?? [])
        {
            hash.Add(v);
        }

        foreach (var v in _std ?? [])
        {
            hash.Add(v);
        }

        return hash.ToHashCode();
    }

    /// <summary>Colour conversion, padding and resize: the part that is cacheable per image.</summary>
    internal Tensor Geometric(Tensor image)
    {
        long rank = image.dim();
        if (rank is not (3 or 4))
        {
            throw new ArgumentException(
                $"Expected an image [C, H, W] or a batch [N, C, H, W], got shape [{string.Join(", ", image.shape)}].", nameof(image));
        }

        if (!torch.is_floating_point(image))
        {
            // A byte image converted as is would hold values up to 255 where [0, 1] is expected.
            throw new ArgumentException(
                $"Expected a floating-point image with values in [0, 1], got {image.dtype}; decode with an IImageDecoder or divide by 255.", nameof(image));
        }

        var x = rank == 3 ? image.unsqueeze(0) : image.alias();
        if (x.dtype != ScalarType.Float32)
        {
            x = x.to_type(ScalarType.Float32);
        }

        x = ConvertChannels(x);
        if (_inkNormalization != InkNormalization.None)
        {
            // Cropping gives each image its own size: binarise, pad and resize one image at a time.
            Validate();
            var images = new Tensor[x.shape[0]];
            for (int n = 0; n < images.Length; n++)
            {
                images[n] = PadAndResize(NormalizeInk(x[n]));
            }

            x = torch.cat(images, 0);
            return rank == 3 ? x.squeeze(0) : x;
        }

        x = PadAndResize(x);
        return rank == 3 ? x.squeeze(0) : x;
    }

    /// <summary>Ink normalisation of one grey image [1, H, W], returned as [1, 1, H', W'].</summary>
    private Tensor NormalizeInk(Tensor image)
    {
        int h = (int)image.shape[1], w = (int)image.shape[2];
        var pixels = image.contiguous().data<float>().ToArray();
        var (plane, outHeight, outWidth) = InkBinarizer.Apply(pixels, h, w, CropToInk, _inkNormalization == InkNormalization.OtsuBinarizeUniformStrokes, Height, Width);
        return torch.tensor(plane, new long[] { 1, 1, outHeight, outWidth });
    }

    /// <summary>Padding to the target aspect and the resize of a batch [N, C, H, W].</summary>
    private Tensor PadAndResize(Tensor x)
    {
        long h = x.shape[2], w = x.shape[3];
        if (PadToAspect)
        {
            x = PadToTargetAspect(x, h, w);
            h = x.shape[2];
            w = x.shape[3];
        }

        if (h != Height || w != Width)
        {
            x = ResizeMode switch
            {
                ResizeMode.Area => F.interpolate(x, new long[] { Height, Width }, mode: InterpolationMode.Area),
                // min over a cell = -(max of the negated cell); adaptive pooling handles sizes that do not divide.
                ResizeMode.MinPool => F.adaptive_max_pool2d(x.neg(), new long[] { Height, Width }).neg(),
                _ => F.interpolate(x, new long[] { Height, Width }, mode: InterpolationMode.Bilinear, align_corners: false),
            };
            // Scalars held explicitly (see ImageAugmentation.Apply for why): no implicit float-to-Scalar temporaries.
            using var zero = 0f.ToScalar();
            using var one = 1f.ToScalar();
            x = x.clamp(zero, one);
        }

        return x;
    }

    /// <summary>Inversion and normalisation: per-pixel, applied after augmentation.</summary>
    internal Tensor Photometric(Tensor x)
    {
        if (Invert)
        {
            using var one = 1f.ToScalar();
            x = x.neg().add_(one, one); // alpha explicit: TorchSharp's add_(Scalar) makes an unrooted temporary for it
        }

        if (_mean is not null || _std is not null)
        {
            long channelDim = x.dim() - 3;
            if (_mean is not null)
            {
                x = x - StatisticsTensor(_mean, x.dim(), channelDim);
            }

            if (_std is not null)
            {
                x = x / StatisticsTensor(_std, x.dim(), channelDim);
            }
        }

        return x;
    }

    private static Tensor StatisticsTensor(float[] values, long rank, long channelDim)
    {
        var shape = Enumerable.Repeat(1L, (int)rank).ToArray();
        shape[channelDim] = values.Length;
        return torch.tensor(values, shape);
    }

    private Tensor ConvertChannels(Tensor x)
    {
        long c = x.shape[1];
        if (c is not (1 or 3))
        {
            throw new ArgumentException($"Expected an image with 1 or 3 channels, got {c} (shape [{string.Join(", ", x.shape)}]).", nameof(x));
        }

        if (ColorMode == ColorMode.Grayscale && c == 3)
        {
            using var weights = torch.tensor(LumaWeights, new long[] { 1, 3, 1, 1 });
            return (x * weights).sum(1, keepdim: true);
        }

        if (ColorMode == ColorMode.Rgb && c == 1)
        {
            return x.expand(-1, 3, -1, -1).contiguous();
        }

        return x;
    }

    private Tensor PadToTargetAspect(Tensor x, long h, long w)
    {
        // Compare w/h with Width/Height without division: w * Height vs Width * h.
        long left = 0, right = 0, top = 0, bottom = 0;
        if (w * Height < Width * h)
        {
            long newWidth = (long)Math.Round((double)h * Width / Height);
            left = (newWidth - w) / 2;
            right = newWidth - w - left;
        }
        else if (w * Height > Width * h)
        {
            long newHeight = (long)Math.Round((double)w * Height / Width);
            top = (newHeight - h) / 2;
            bottom = newHeight - h - top;
        }

        return left + right + top + bottom == 0
            ? x
            : F.pad(x, new[] { left, right, top, bottom }, PaddingModes.Constant, BackgroundValue);
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
