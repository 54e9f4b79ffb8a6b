using System.Globalization;
using static TorchSharp.torch;

namespace Siamese.Net.Embedding;

/// <summary>
/// Test-time augmentation: the views of each preprocessed image whose embeddings an <see cref="Embedder"/> averages
/// (<see cref="EmbedderOptions.TestTimeAugmentation"/>, <see cref="Inference.OneShotClassifierOptions.TestTimeAugmentation"/>).
/// Averaging over a mirror image or a few one-pixel shifts makes an embedding less sensitive to pose and registration,
/// at the cost of one forward pass per view.
/// </summary>
/// <remarks>
/// <para>
/// A closed set of presets rather than an open interface, because a saved classifier (and its ONNX bundle) must
/// repeat them exactly: each has a <see cref="Name"/> that <see cref="Parse"/> turns back into the same views.
/// The embedding is the plain mean of the views' embeddings (not re-normalised), as in the Omniglot and face samples'
/// measurements; with an L2-normalised encoder its length is then slightly below 1, which every built-in distance
/// tolerates.
/// </para>
/// <para>
/// Choose it on validation data, like any other part of a recipe: a mirror image helps faces, which are roughly
/// symmetric, and hurts handwriting, which is not.
/// </para>
/// </remarks>
public sealed class TestTimeAugmentation : IEquatable<TestTimeAugmentation>
{
    private const string ShiftsPrefix = "shifts-";

    private TestTimeAugmentation(string name, TestTimeView[] views)
    {
        Name = name;
        // Read-only, not the array: the presets are shared, so no caller may change their views.
        Views = Array.AsReadOnly(views);
    }

    /// <summary>One view, the image itself: no test-time augmentation (the default).</summary>
    public static TestTimeAugmentation None { get; } = new("none", [new TestTimeView(false, 0, 0)]);

    /// <summary>Two views: the image and its mirror image (flipped left to right), as face recognisers do.</summary>
    public static TestTimeAugmentation HorizontalFlip { get; } = new("horizontal-flip", [new TestTimeView(false, 0, 0), new TestTimeView(true, 0, 0)]);

    /// <summary>The name <see cref="Parse"/> reads back ("none", "horizontal-flip", "shifts-1").</summary>
    public string Name { get; }

    /// <summary>The views, the image itself first; an exporter (ONNX) repeats them from this description.</summary>
    public IReadOnlyList<TestTimeView> Views { get; }

    /// <summary>How many forward passes one image costs.</summary>
    public int ViewCount => Views.Count;

    /// <summary>
    /// Five views: the image and the image moved <paramref name="pixels"/> right, left, down and up, the uncovered
    /// border filled by repeating the edge pixels (so a white page stays white and a standardised background stays
    /// background). The Omniglot sample's choice: it makes a 1-shot match less dependent on where a character was drawn.
    /// </summary>
    /// <param name="pixels">The shift, 1 to 8 pixels.</param>
    /// <returns>The strategy.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pixels"/> outside 1..8.</exception>
    public static TestTimeAugmentation Shifts(int pixels = 1) => pixels is >= 1 and <= 8
        ? new TestTimeAugmentation(string.Create(CultureInfo.InvariantCulture, $"{ShiftsPrefix}{pixels}"),
            [new(false, 0, 0), new(false, pixels, 0), new(false, -pixels, 0), new(false, 0, pixels), new(false, 0, -pixels)])
        : throw new ArgumentOutOfRangeException(nameof(pixels), pixels, $"pixels must be between 1 and 8; got {pixels}.");

    /// <summary>The strategy a <see cref="Name"/> stands for.</summary>
    /// <param name="name">"none", "horizontal-flip" or "shifts-N" (N from 1 to 8).</param>
    /// <returns>The strategy.</returns>
    /// <exception cref="FormatException">The name is none of these.</exception>
    public static TestTimeAugmentation Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name == None.Name)
        {
            return None;
        }

        if (name == HorizontalFlip.Name)
        {
            return HorizontalFlip;
        }

        if (name.StartsWith(ShiftsPrefix, StringComparison.Ordinal) &&
            int.TryParse(name.AsSpan(ShiftsPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int pixels) && pixels is >= 1 and <= 8 &&
            name.Length == ShiftsPrefix.Length + 1)
        {
            return Shifts(pixels);
        }

        throw new FormatException($"'{name}' is not a test-time augmentation; expected 'none', 'horizontal-flip' or 'shifts-1' to 'shifts-8'.");
    }

    /// <inheritdoc />
    public bool Equals(TestTimeAugmentation? other) => other is not null && other.Name == Name;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as TestTimeAugmentation);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>View <paramref name="index"/> of a preprocessed batch [N, C, H, W]; view 0 is the batch itself.</summary>
    internal Tensor View(Tensor batch, int index)
    {
        var view = Views[index];
        var image = view.Mirror ? batch.flip(-1) : batch.alias();
        if (view.ShiftX == 0 && view.ShiftY == 0)
        {
            return image;
        }

        // The content moves by (dx, dy): pad every side by the largest shift with the edge values, then cut the
        // window that starts dx to the left and dy above the original one.
        int p = Math.Max(Math.Abs(view.ShiftX), Math.Abs(view.ShiftY));
        using (image)
        {
            using var padded = nn.functional.pad(image, [p, p, p, p], TorchSharp.PaddingModes.Replicate);
            return padded.narrow(-2, p - view.ShiftY, batch.shape[^2]).narrow(-1, p - view.ShiftX, batch.shape[^1]).contiguous();
        }
    }
}
