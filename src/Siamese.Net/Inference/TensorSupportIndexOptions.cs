using Siamese.Net.Search;
using static TorchSharp.torch;

namespace Siamese.Net.Inference;

/// <summary>Settings of a <see cref="TensorSupportIndex"/>. Values are checked when set.</summary>
public sealed record TensorSupportIndexOptions
{
    private readonly KShotAggregation _aggregation = KShotAggregation.NearestSample;
    private readonly int _candidateFactor = 4;
    private readonly int _candidatePassMinimumRows = 8192;
    private readonly ScalarType? _candidatePrecision;

    /// <summary>How a class with several support embeddings is scored (default: its nearest sample).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined value.</exception>
    public KShotAggregation Aggregation
    {
        get => _aggregation;
        init => _aggregation = Enum.IsDefined(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Aggregation), value, $"Aggregation {value} is not a defined K-shot aggregation.");
    }

    /// <summary>Where support embeddings are stored and scored; the CPU when null.</summary>
    public Device? Device { get; init; }

    /// <summary>
    /// Type of an optional candidate pass (e.g. bfloat16), or null (the default) for plain float32 ranking. With a candidate pass, a
    /// low-precision matrix product picks <see cref="CandidateFactor"/> times the needed number of nearest rows per
    /// query, and only those are re-ranked exactly in float32, so reported distances are always exact float32 values.
    /// Used only by distances that offer such a pass (Euclidean, cosine) and galleries of at least
    /// <see cref="CandidatePassMinimumRows"/> rows. It is off by default because on this project's CPU it was not
    /// faster than float32 and did not reach 99.99 % agreement on every data set measured (docs/performance.md).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not BFloat16, Float16 or null.</exception>
    public ScalarType? CandidatePrecision
    {
        get => _candidatePrecision;
        init => _candidatePrecision = value is null or ScalarType.BFloat16 or ScalarType.Float16
            ? value
            : throw new ArgumentOutOfRangeException(nameof(CandidatePrecision), value, $"CandidatePrecision must be BFloat16, Float16 or null; got {value}.");
    }

    /// <summary>Candidates per needed row re-ranked exactly after the candidate pass (default 4).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int CandidateFactor
    {
        get => _candidateFactor;
        init => _candidateFactor = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(CandidateFactor), value, $"CandidateFactor must be at least 1; got {value}.");
    }

    /// <summary>Smallest gallery (rows ranked) for which the candidate pass is used (default 8,192); smaller ones are ranked in float32 only.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int CandidatePassMinimumRows
    {
        get => _candidatePassMinimumRows;
        init => _candidatePassMinimumRows = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(CandidatePassMinimumRows), value, $"CandidatePassMinimumRows must be at least 1; got {value}.");
    }
}
