namespace Siamese.Net.Search;

/// <summary>
/// The argument checks of <see cref="ISupportIndex"/>, shared by every implementation so that they all reject the
/// same inputs with the same exception and argument name: empty labels, non-finite values, row-major lengths that
/// do not fit the dimension.
/// </summary>
public static class SupportArguments
{
    /// <summary>Checks a class label.</summary>
    /// <param name="label">The label.</param>
    /// <param name="parameterName">The argument name for the exception.</param>
    /// <exception cref="ArgumentException">The label is null or empty.</exception>
    public static void CheckLabel(string? label, string parameterName)
    {
        if (string.IsNullOrEmpty(label))
        {
            throw new ArgumentException("A class label must not be null or empty.", parameterName);
        }
    }

    /// <summary>Checks the arguments of <see cref="ISupportIndex.Add"/> and returns the row size.</summary>
    /// <param name="labels">One label per row.</param>
    /// <param name="vectors">Row-major values.</param>
    /// <param name="dimension">The index's dimension, or null while it is unknown.</param>
    /// <param name="parameterName">The name of the vectors argument.</param>
    /// <returns>The dimension of the rows (the index's, when it has one; 0 when there are no rows).</returns>
    /// <exception cref="ArgumentException">A label is empty, the length does not split into rows of the dimension, or a value is not finite.</exception>
    public static int CheckAdd(IReadOnlyList<string> labels, ReadOnlySpan<float> vectors, int? dimension, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(labels);
        for (int i = 0; i < labels.Count; i++)
        {
            CheckLabel(labels[i], $"labels[{i}]");
        }

        if (labels.Count == 0)
        {
            return vectors.Length == 0
                ? dimension ?? 0
                : throw new ArgumentException($"{vectors.Length} values were given for no label.", parameterName);
        }

        if (vectors.Length == 0 || vectors.Length % labels.Count != 0)
        {
            throw new ArgumentException($"{vectors.Length} values do not split into {labels.Count} equal rows.", parameterName);
        }

        int d = vectors.Length / labels.Count;
        if (dimension is { } expected && d != expected)
        {
            throw new ArgumentException($"The index holds {expected}-dimensional embeddings; these have {d}.", parameterName);
        }

        CheckFinite(vectors, d, parameterName);
        return d;
    }

    /// <summary>Checks that query values are whole rows of the dimension and finite.</summary>
    /// <param name="vectors">Row-major values.</param>
    /// <param name="dimension">The row size.</param>
    /// <param name="parameterName">The argument name for the exception.</param>
    /// <returns>The number of rows.</returns>
    /// <exception cref="ArgumentException">The length is not a positive multiple of the dimension, or a value is not finite.</exception>
    public static int CheckRows(ReadOnlySpan<float> vectors, int dimension, string parameterName)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (vectors.Length == 0 || vectors.Length % dimension != 0)
        {
            throw new ArgumentException($"{vectors.Length} values are not a whole number of {dimension}-dimensional rows.", parameterName);
        }

        CheckFinite(vectors, dimension, parameterName);
        return vectors.Length / dimension;
    }

    private static void CheckFinite(ReadOnlySpan<float> vectors, int dimension, string parameterName)
    {
        for (int i = 0; i < vectors.Length; i++)
        {
            if (!float.IsFinite(vectors[i]))
            {
                throw new ArgumentException($"Row {i / dimension} has a non-finite value ({vectors[i]}) at position {i % dimension}.", parameterName);
            }
        }
    }
}
