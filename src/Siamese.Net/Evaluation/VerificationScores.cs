namespace Siamese.Net.Evaluation;

/// <summary>
/// Scores of verification pairs with their true labels: the input of ROC, AUC, EER, FAR/FRR and threshold
/// calibration. Build it with <see cref="FromDistances(IReadOnlyList{double}, IReadOnlyList{PairLabel})"/> or
/// <see cref="FromSimilarities(IReadOnlyList{double}, IReadOnlyList{PairLabel})"/>, so whether a score is a distance
/// or a similarity is never guessed; every threshold this type reports is in those same units.
/// </summary>
public sealed class VerificationScores
{
    private readonly double[] _scores;
    private readonly bool[] _isSame;

    // Similarity-oriented copy (distances negated): one code path for both kinds.
    private readonly double[] _oriented;

    private VerificationScores(ScoreKind kind, double[] scores, bool[] isSame)
    {
        Kind = kind;
        _scores = scores;
        _isSame = isSame;
        _oriented = kind == ScoreKind.Distance ? scores.Select(s => -s).ToArray() : scores;
        SameCount = isSame.Count(s => s);
    }

    /// <summary>Whether the scores are distances or similarities.</summary>
    public ScoreKind Kind { get; }

    /// <summary>The scores as given.</summary>
    public IReadOnlyList<double> Scores => _scores;

    /// <summary>For each pair, whether it is a same pair.</summary>
    public IReadOnlyList<bool> IsSame => _isSame;

    /// <summary>Number of pairs.</summary>
    public int Count => _scores.Length;

    /// <summary>Number of same (genuine) pairs.</summary>
    public int SameCount { get; }

    /// <summary>Number of different (impostor) pairs.</summary>
    public int DifferentCount => Count - SameCount;

    /// <summary>Pairs scored by a distance (smaller = more alike).</summary>
    /// <param name="distances">One finite distance per pair.</param>
    /// <param name="labels">One label per pair.</param>
    /// <exception cref="ArgumentException">Lengths differ, the lists are empty, a score is not finite or a label is undefined.</exception>
    public static VerificationScores FromDistances(IReadOnlyList<double> distances, IReadOnlyList<PairLabel> labels) =>
        Create(ScoreKind.Distance, distances, ToSame(labels), nameof(distances));

    /// <summary>Pairs scored by a distance (smaller = more alike).</summary>
    /// <param name="distances">One finite distance per pair.</param>
    /// <param name="isSame">For each pair, <c>true</c> when it is a same pair.</param>
    /// <exception cref="ArgumentException">Lengths differ, the lists are empty or a score is not finite.</exception>
    public static VerificationScores FromDistances(IReadOnlyList<double> distances, IReadOnlyList<bool> isSame) =>
        Create(ScoreKind.Distance, distances, CopySame(isSame), nameof(distances));

    /// <summary>Pairs scored by a similarity (larger = more alike, e.g. a same-probability).</summary>
    /// <param name="similarities">One finite similarity per pair.</param>
    /// <param name="labels">One label per pair.</param>
    /// <exception cref="ArgumentException">Lengths differ, the lists are empty, a score is not finite or a label is undefined.</exception>
    public static VerificationScores FromSimilarities(IReadOnlyList<double> similarities, IReadOnlyList<PairLabel> labels) =>
        Create(ScoreKind.Similarity, similarities, ToSame(labels), nameof(similarities));

    /// <summary>Pairs scored by a similarity (larger = more alike, e.g. a same-probability).</summary>
    /// <param name="similarities">One finite similarity per pair.</param>
    /// <param name="isSame">For each pair, <c>true</c> when it is a same pair.</param>
    /// <exception cref="ArgumentException">Lengths differ, the lists are empty or a score is not finite.</exception>
    public static VerificationScores FromSimilarities(IReadOnlyList<double> similarities, IReadOnlyList<bool> isSame) =>
        Create(ScoreKind.Similarity, similarities, CopySame(isSame), nameof(similarities));

    /// <summary>Pairs scored by a distance tensor, e.g. <see cref="SiameseNetwork.PairDistance"/>.</summary>
    /// <param name="distances">Distances [N] (copied to the CPU as doubles).</param>
    /// <param name="targets">The pairs' targets [N].</param>
    /// <exception cref="ArgumentException">Shapes differ, the tensor is empty or holds a non-finite value.</exception>
    public static VerificationScores FromDistances(TorchSharp.torch.Tensor distances, PairTargets targets) =>
        Create(ScoreKind.Distance, ToDoubles(distances, nameof(distances)), ToSame(targets), nameof(distances));

    /// <summary>Pairs scored by a similarity tensor, e.g. <c>BceHeadLoss.SameProbability</c>.</summary>
    /// <param name="similarities">Similarities [N] (copied to the CPU as doubles).</param>
    /// <param name="targets">The pairs' targets [N].</param>
    /// <exception cref="ArgumentException">Shapes differ, the tensor is empty or holds a non-finite value.</exception>
    public static VerificationScores FromSimilarities(TorchSharp.torch.Tensor similarities, PairTargets targets) =>
        Create(ScoreKind.Similarity, ToDoubles(similarities, nameof(similarities)), ToSame(targets), nameof(similarities));

    /// <summary>The decision at a threshold: a pair is accepted when its similarity is &gt;= or its distance &lt;= the threshold.</summary>
    /// <param name="threshold">Threshold in the units of the scores; must not be NaN.</param>
    /// <exception cref="ArgumentException">The threshold is NaN.</exception>
    public ThresholdMetrics At(double threshold)
    {
        if (double.IsNaN(threshold))
        {
            throw new ArgumentException("The threshold is NaN.", nameof(threshold));
        }

        int tp = 0, fp = 0;
        for (int i = 0; i < _scores.Length; i++)
        {
            bool accepted = Kind == ScoreKind.Distance ? _scores[i] <= threshold : _scores[i] >= threshold;
            if (accepted)
            {
                if (_isSame[i])
                {
                    tp++;
                }
                else
                {
                    fp++;
                }
            }
        }

        return new ThresholdMetrics(threshold, Kind, tp, fp, DifferentCount - fp, SameCount - tp);
    }

    /// <summary>The ROC curve (one point per distinct score).</summary>
    /// <exception cref="InvalidOperationException">There are no same pairs or no different pairs.</exception>
    public RocCurve Roc()
    {
        var points = Points();
        return new RocCurve(
            Kind,
            points.Select(p => p.Threshold).ToArray(),
            points.Select(p => p.FalseAcceptRate).ToArray(),
            points.Select(p => p.TruePositiveRate).ToArray());
    }

    /// <summary>Area under the ROC curve (the probability that a random same pair scores better than a random different pair, ties counting half).</summary>
    /// <exception cref="InvalidOperationException">There are no same pairs or no different pairs.</exception>
    public double Auc() => Roc().Auc;

    /// <summary>The equal error rate and the threshold nearest to it.</summary>
    /// <exception cref="InvalidOperationException">There are no same pairs or no different pairs.</exception>
    public EqualErrorRate Eer()
    {
        var points = Points();

        // FAR - FRR rises from -1 at the origin to +1 at the last point; find where it reaches 0.
        int i = 1;
        while (Gap(points[i]) < 0)
        {
            i++;
        }

        double gapAfter = Gap(points[i]);
        double gapBefore = Gap(points[i - 1]);
        double rate;
        if (gapAfter == 0)
        {
            rate = points[i].FalseAcceptRate;
        }
        else
        {
            double t = -gapBefore / (gapAfter - gapBefore);
            rate = points[i - 1].FalseAcceptRate + (t * (points[i].FalseAcceptRate - points[i - 1].FalseAcceptRate));
        }

        var nearest = Math.Abs(gapAfter) < Math.Abs(gapBefore) ? points[i] : points[i - 1];
        return new EqualErrorRate(rate, nearest);
    }

    /// <summary>
    /// The decision at every ROC point, strictest first: the origin (threshold +/-infinity, nothing accepted) then
    /// one point per distinct score, whose threshold is that score.
    /// </summary>
    internal List<ThresholdMetrics> Points()
    {
        if (SameCount == 0 || DifferentCount == 0)
        {
            throw new InvalidOperationException(
                $"ROC, AUC and EER need both same and different pairs; got {SameCount} same and {DifferentCount} different pairs.");
        }

        var order = Enumerable.Range(0, _oriented.Length).ToArray();
        Array.Sort(order, (a, b) => _oriented[b].CompareTo(_oriented[a]));

        double originThreshold = Kind == ScoreKind.Distance ? double.NegativeInfinity : double.PositiveInfinity;
        var points = new List<ThresholdMetrics> { new(originThreshold, Kind, 0, 0, DifferentCount, SameCount) };
        int tp = 0, fp = 0;
        for (int k = 0; k < order.Length; k++)
        {
            int index = order[k];
            if (_isSame[index])
            {
                tp++;
            }
            else
            {
                fp++;
            }

            bool lastOfTie = k == order.Length - 1 || _oriented[order[k + 1]] != _oriented[index];
            if (lastOfTie)
            {
                points.Add(new ThresholdMetrics(_scores[index], Kind, tp, fp, DifferentCount - fp, SameCount - tp));
            }
        }

        return points;
    }

    private static double Gap(ThresholdMetrics point) => point.FalseAcceptRate - point.FalseRejectRate;

    private static VerificationScores Create(ScoreKind kind, IReadOnlyList<double> scores, bool[] isSame, string scoresName)
    {
        ArgumentNullException.ThrowIfNull(scores, scoresName);
        if (scores.Count != isSame.Length)
        {
            throw new ArgumentException(
                $"There are {scores.Count} {scoresName} but {isSame.Length} labels; give exactly one label per pair.", scoresName);
        }

        if (scores.Count == 0)
        {
            throw new ArgumentException($"No pairs: {scoresName} is empty.", scoresName);
        }

        var copy = new double[scores.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = scores[i];
            if (!double.IsFinite(copy[i]))
            {
                throw new ArgumentException($"{scoresName}[{i}] is {copy[i]}; every score must be a finite number.", scoresName);
            }
        }

        return new VerificationScores(kind, copy, isSame);
    }

    private static bool[] ToSame(IReadOnlyList<PairLabel> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var same = new bool[labels.Count];
        for (int i = 0; i < same.Length; i++)
        {
            same[i] = labels[i] switch
            {
                PairLabel.Same => true,
                PairLabel.Different => false,
                _ => throw new ArgumentException($"labels[{i}] is {(int)labels[i]}, which is not a PairLabel value.", nameof(labels)),
            };
        }

        return same;
    }

    private static double[] ToDoubles(TorchSharp.torch.Tensor scores, string name)
    {
        ArgumentNullException.ThrowIfNull(scores, name);
        if (scores.dim() != 1)
        {
            throw new ArgumentException($"{name} must be a rank-1 tensor [N]; got shape [{string.Join(", ", scores.shape)}].", name);
        }

        using var values = scores.detach().to(TorchSharp.torch.float64).cpu();
        return values.data<double>().ToArray();
    }

    private static bool[] ToSame(PairTargets targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        using var same = targets.IsSame.cpu();
        return same.data<bool>().ToArray();
    }

    private static bool[] CopySame(IReadOnlyList<bool> isSame)
    {
        ArgumentNullException.ThrowIfNull(isSame);
        return isSame.ToArray();
    }
}
