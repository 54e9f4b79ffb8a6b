namespace Siamese.Net.Search;

/// <summary>Argument checks shared by the indexes: labels, finite values, row-major shapes.</summary>
internal static class SupportVectors
{
    public static void CheckLabel(string? label, string parameterName)
    {
        if (string.IsNullOrEmpty(label))
        {
            throw new ArgumentException("A class label must not be null or empty.", parameterName);
        }
    }

    /// <summary>Splits <c>labels.Count</c> rows out of <paramref name="vectors"/>, checking labels and values.</summary>
    public static float[][] Split(IReadOnlyList<string> labels, ReadOnlySpan<float> vectors, int? dimension, string parameterName)
    {
        for (int i = 0; i < labels.Count; i++)
        {
            CheckLabel(labels[i], $"labels[{i}]");
        }

        if (labels.Count == 0)
        {
            return vectors.Length == 0
                ? []
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

        return Rows(vectors, d, parameterName);
    }

    /// <summary>Copies row-major vectors of size <paramref name="dimension"/> into rows, checking they are finite.</summary>
    public static float[][] Rows(ReadOnlySpan<float> vectors, int dimension, string parameterName)
    {
        if (vectors.Length == 0 || vectors.Length % dimension != 0)
        {
            throw new ArgumentException($"{vectors.Length} values are not a whole number of {dimension}-dimensional rows.", parameterName);
        }

        var rows = new float[vectors.Length / dimension][];
        for (int r = 0; r < rows.Length; r++)
        {
            var row = vectors.Slice(r * dimension, dimension);
            for (int j = 0; j < row.Length; j++)
            {
                if (!float.IsFinite(row[j]))
                {
                    throw new ArgumentException($"Row {r} has a non-finite value ({row[j]}) at position {j}.", parameterName);
                }
            }

            rows[r] = row.ToArray();
        }

        return rows;
    }
}
