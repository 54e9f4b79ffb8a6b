using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace Siamese.Net;

/// <summary>
/// The one place for argument checks of tensors and options, with messages that name the argument and its value
/// (ImageSharp's <c>Guard</c> pattern).
/// </summary>
internal static class Guard
{
    /// <summary>Embeddings must be a non-empty [N, D] tensor.</summary>
    public static void Embeddings(Tensor embeddings, [CallerArgumentExpression(nameof(embeddings))] string? name = null)
    {
        ArgumentNullException.ThrowIfNull(embeddings, name);
        if (embeddings.dim() != 2 || embeddings.shape[1] == 0)
        {
            throw new ArgumentException($"{name} must be embeddings [N, D]; got shape [{Shape(embeddings)}].", name);
        }
    }

    /// <summary>Labels must be integer class ids [count].</summary>
    public static void Labels(Tensor labels, long count, [CallerArgumentExpression(nameof(labels))] string? name = null)
    {
        ArgumentNullException.ThrowIfNull(labels, name);
        if (labels.dim() != 1 || labels.shape[0] != count)
        {
            throw new ArgumentException($"{name} must be one class id per embedding [{count}]; got shape [{Shape(labels)}].", name);
        }

        if (labels.dtype is not (ScalarType.Int64 or ScalarType.Int32 or ScalarType.Int16 or ScalarType.Int8 or ScalarType.Byte))
        {
            throw new ArgumentException($"{name} must hold integer class ids; got {labels.dtype}.", name);
        }
    }

    /// <summary>Two tensors must have the same shape.</summary>
    public static void SameShape(Tensor first, Tensor second, [CallerArgumentExpression(nameof(first))] string? firstName = null, [CallerArgumentExpression(nameof(second))] string? secondName = null)
    {
        if (!first.shape.SequenceEqual(second.shape))
        {
            throw new ArgumentException($"{firstName} [{Shape(first)}] and {secondName} [{Shape(second)}] must have the same shape.", secondName);
        }
    }

    /// <summary>A finite number in [min, max].</summary>
    public static double InRange(double value, double min, double max, [CallerArgumentExpression(nameof(value))] string? name = null) =>
        double.IsFinite(value) && value >= min && value <= max
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number in [{min}, {max}].");

    /// <summary>A finite, non-negative number.</summary>
    public static double NonNegative(double value, [CallerArgumentExpression(nameof(value))] string? name = null) =>
        double.IsFinite(value) && value >= 0
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite, non-negative number.");

    /// <summary>A finite, positive number.</summary>
    public static double Positive(double value, [CallerArgumentExpression(nameof(value))] string? name = null) =>
        double.IsFinite(value) && value > 0
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite, positive number.");

    /// <summary>An integer of at least <paramref name="min"/>.</summary>
    public static int AtLeast(int value, int min, [CallerArgumentExpression(nameof(value))] string? name = null) =>
        value >= min ? value : throw new ArgumentOutOfRangeException(name, value, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{name} must be at least {min}; got {value}."));

    /// <summary>A tensor's shape as "2, 3".</summary>
    public static string Shape(Tensor tensor) => string.Join(", ", tensor.shape);
}
