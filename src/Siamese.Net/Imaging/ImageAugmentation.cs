using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Siamese.Net.Imaging;

/// <summary>
/// Training-time augmentation on tensors: a random affine distortion (rotation, shear, scale, translation, each
/// drawn independently and kept with <see cref="ComponentProbability"/>, as Koch et al. 2015 did for Omniglot), an
/// optional random crop resized back to the input size, and an optional horizontal flip (off by default: a mirrored
/// signature or character is a different one). Immutable; all randomness comes from the <see cref="Random"/> passed
/// to <see cref="Apply"/>, so a seeded generator reproduces the output exactly.
/// </summary>
public sealed record ImageAugmentation
{
    private readonly double _rotationDegrees = 10;
    private readonly double _shear = 0.3;
    private readonly double _scaleMin = 0.8;
    private readonly double _scaleMax = 1.2;
    private readonly double _translationPixels = 2;
    private readonly double _componentProbability = 0.5;
    private readonly double _cropFraction = 1;
    private readonly double _horizontalFlipProbability;

    /// <summary>Koch et al.'s affine ranges: rotation ±10°, shear ±0.3, scale [0.8, 1.2], translation ±2 px, p = 0.5.</summary>
    public static ImageAugmentation Koch { get; } = new();

    /// <summary>Maximum absolute rotation in degrees (default 10).</summary>
    public double RotationDegrees
    {
        get => _rotationDegrees;
        init => _rotationDegrees = InRange(value, 0, 180, nameof(RotationDegrees));
    }

    /// <summary>Maximum absolute shear factor along each axis (default 0.3).</summary>
    public double Shear
    {
        get => _shear;
        init => _shear = InRange(value, 0, 1, nameof(Shear));
    }

    /// <summary>Smallest scale factor per axis (default 0.8).</summary>
    public double ScaleMin
    {
        get => _scaleMin;
        init => _scaleMin = InRange(value, 0.1, 10, nameof(ScaleMin));
    }

    /// <summary>Largest scale factor per axis (default 1.2); must not be below <see cref="ScaleMin"/>.</summary>
    public double ScaleMax
    {
        get => _scaleMax;
        init => _scaleMax = InRange(value, 0.1, 10, nameof(ScaleMax));
    }

    /// <summary>Maximum absolute translation in output pixels along each axis (default 2).</summary>
    public double TranslationPixels
    {
        get => _translationPixels;
        init => _translationPixels = InRange(value, 0, 10_000, nameof(TranslationPixels));
    }

    /// <summary>Probability that each affine component (rotation, shear, scale, translation) is applied (default 0.5).</summary>
    public double ComponentProbability
    {
        get => _componentProbability;
        init => _componentProbability = InRange(value, 0, 1, nameof(ComponentProbability));
    }

    /// <summary>
    /// Side of the random crop as a fraction of each side, in (0, 1]; the crop is resized back to the input size.
    /// 1 (default) disables cropping.
    /// </summary>
    public double CropFraction
    {
        get => _cropFraction;
        init => _cropFraction = value is > 0 and <= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(CropFraction), value, "CropFraction must be in (0, 1].");
    }

    /// <summary>Probability of a horizontal flip (default 0: off).</summary>
    public double HorizontalFlipProbability
    {
        get => _horizontalFlipProbability;
        init => _horizontalFlipProbability = InRange(value, 0, 1, nameof(HorizontalFlipProbability));
    }

    /// <summary>Augments one image or each image of a batch independently.</summary>
    /// <param name="image">Float tensor [C, H, W] or [N, C, H, W], values in [0, 1] (before inversion).</param>
    /// <param name="random">The randomness; the same seed gives the same result.</param>
    /// <param name="fillValue">The value of pixels moved in from outside the image (the background).</param>
    /// <returns>A new tensor of the same shape.</returns>
    /// <exception cref="ArgumentException">The tensor is not of rank 3 or 4, or ScaleMin exceeds ScaleMax.</exception>
    public Tensor Apply(Tensor image, Random random, float fillValue = 1f)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(random);
        if (ScaleMin > ScaleMax)
        {
            throw new ArgumentException($"ScaleMin ({ScaleMin}) exceeds ScaleMax ({ScaleMax}).", nameof(image));
        }

        long rank = image.dim();
        if (rank is not (3 or 4))
        {
            throw new ArgumentException($"Expected [C, H, W] or [N, C, H, W], got shape [{string.Join(", ", image.shape)}].", nameof(image));
        }

        using var scope = torch.NewDisposeScope();
        var x = rank == 3 ? image.unsqueeze(0) : image;
        long n = x.shape[0], height = x.shape[2], width = x.shape[3];

        // Draw every random number up front, in a fixed order per image, so results never depend on which
        // operations happen to be skipped.
        var thetas = new float[n * 6];
        var crops = new (long Top, long Left)[n];
        var flips = new bool[n];
        long cropHeight = Math.Max(1, (long)Math.Round(height * CropFraction));
        long cropWidth = Math.Max(1, (long)Math.Round(width * CropFraction));
        for (long i = 0; i < n; i++)
        {
            SampleTheta(random, width, height).CopyTo(thetas, (int)(i * 6));
            crops[i] = (random.NextInt64(height - cropHeight + 1), random.NextInt64(width - cropWidth + 1));
            flips[i] = random.NextDouble() < HorizontalFlipProbability;
        }

        var grid = SamplingGrid(thetas, n, height, width);

        // grid_sample fills with zeros outside the image; shifting by the fill value makes that the background.
        // Every Scalar is created and held explicitly until the op returns: an implicit float-to-Scalar conversion
        // leaves a temporary that the GC may finalize (freeing its native handle) while libtorch still reads it,
        // which was seen as a corrupt c10::Scalar under load on the loader's threads. TorchSharp's one-argument
        // add/sub (and Tensor + Tensor) create such a temporary for alpha internally, so alpha is passed too.
        using var fill = fillValue.ToScalar();
        using var zero = 0f.ToScalar();
        using var one = 1f.ToScalar();
        var warped = F.grid_sample(x.sub(fill), grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false).add_(fill, one);

        if (CropFraction < 1)
        {
            var cropped = new Tensor[n];
            for (long i = 0; i < n; i++)
            {
                var (top, left) = crops[i];
                cropped[i] = warped[i].narrow(1, top, cropHeight).narrow(2, left, cropWidth).unsqueeze(0);
            }

            warped = F.interpolate(torch.cat(cropped, 0), new long[] { height, width }, mode: InterpolationMode.Bilinear, align_corners: false);
        }

        if (flips.Any(f => f))
        {
            var flipped = new Tensor[n];
            for (long i = 0; i < n; i++)
            {
                flipped[i] = flips[i] ? warped[i].flip(-1).unsqueeze(0) : warped[i].unsqueeze(0);
            }

            warped = torch.cat(flipped, 0);
        }

        var result = warped.clamp(zero, one);
        return (rank == 3 ? result.squeeze(0) : result).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The sampling matrix for affine_grid, in normalised coordinates. The distortion is built in pixel units
    /// (so a rotation stays a rotation on non-square images) and inverted, because the grid maps each output pixel to
    /// the input position it reads from.
    /// </summary>
    private float[] SampleTheta(Random random, long width, long height)
    {
        double p = ComponentProbability;
        double angle = Uniform(random, -RotationDegrees, RotationDegrees) * Math.PI / 180;
        bool rotate = random.NextDouble() < p;
        double shearX = Uniform(random, -Shear, Shear), shearY = Uniform(random, -Shear, Shear);
        bool shear = random.NextDouble() < p;
        double scaleX = Uniform(random, ScaleMin, ScaleMax), scaleY = Uniform(random, ScaleMin, ScaleMax);
        bool scale = random.NextDouble() < p;
        double tx = Uniform(random, -TranslationPixels, TranslationPixels), ty = Uniform(random, -TranslationPixels, TranslationPixels);
        bool translate = random.NextDouble() < p;

        if (!rotate)
        {
            angle = 0;
        }

        if (!shear)
        {
            shearX = shearY = 0;
        }

        if (!scale)
        {
            scaleX = scaleY = 1;
        }

        if (!translate)
        {
            tx = ty = 0;
        }

        // Forward map in pixel coordinates centred on the image: A = R * Sh * S.
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        double s00 = scaleX, s01 = shearX * scaleY, s10 = shearY * scaleX, s11 = scaleY;
        double a00 = (cos * s00) - (sin * s10), a01 = (cos * s01) - (sin * s11);
        double a10 = (sin * s00) + (cos * s10), a11 = (sin * s01) + (cos * s11);

        double det = (a00 * a11) - (a01 * a10);
        if (Math.Abs(det) < 1e-6)
        {
            a00 = a11 = 1;
            a01 = a10 = 0;
            det = 1;
        }

        double i00 = a11 / det, i01 = -a01 / det, i10 = -a10 / det, i11 = a00 / det;
        double itx = -((i00 * tx) + (i01 * ty)), ity = -((i10 * tx) + (i11 * ty));

        // Pixel -> normalised: x_n = x_p / (W/2), y_n = y_p / (H/2).
        double hw = width / 2.0, hh = height / 2.0;
        return
        [
            (float)i00, (float)(i01 * hh / hw), (float)(itx / hw),
            (float)(i10 * hw / hh), (float)i11, (float)(ity / hh),
        ];
    }

    /// <summary>
    /// The same grid as <c>affine_grid(theta, size, align_corners: false)</c>, built from broadcast multiply-adds:
    /// libtorch's CPU affine_grid took several times as long as the grid_sample it feeds at 32x105x105.
    /// </summary>
    internal static Tensor SamplingGrid(float[] thetas, long n, long height, long width)
    {
        var theta = torch.tensor(thetas, new long[] { n, 6, 1, 1 });
        // Pixel centres in [-1, 1] (align_corners = false), computed here rather than with scalar tensor arithmetic.
        var x = torch.tensor(PixelCentres(width), new long[] { 1, 1, width });
        var y = torch.tensor(PixelCentres(height), new long[] { 1, height, 1 });
        // Explicit alpha: TorchSharp's Tensor + Tensor passes a temporary alpha Scalar that the GC may free mid-call.
        using var one = 1f.ToScalar();
        var gx = (theta[.., 0] * x).add(theta[.., 1] * y, one).add_(theta[.., 2], one);
        var gy = (theta[.., 3] * x).add(theta[.., 4] * y, one).add_(theta[.., 5], one);
        return torch.stack(new[] { gx, gy }, -1);
    }

    private static float[] PixelCentres(long size)
    {
        var centres = new float[size];
        for (long i = 0; i < size; i++)
        {
            centres[i] = (((i * 2f) + 1f) / size) - 1f;
        }

        return centres;
    }

    private static double Uniform(Random random, double min, double max) => min + (random.NextDouble() * (max - min));

    private static double InRange(double value, double min, double max, string name) =>
        value >= min && value <= max
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [{min}, {max}].");
}
