using Siamese.Net.Evaluation;
using static TorchSharp.torch;

namespace Siamese.Net.Training;

/// <summary>
/// Validation of a pair task: collects the loss and a score for every pair, then computes verification metrics over
/// all of them at once (AUC and EER are not averages of batch values).
/// </summary>
/// <typeparam name="TBatch">The batch type.</typeparam>
internal sealed class PairValidationPass<TBatch> : IValidationPass<TBatch>
{
    private readonly Func<TBatch, Device, (Tensor Loss, Tensor Scores, Tensor IsSame)> _evaluate;
    private readonly ScoreKind _kind;
    private readonly Func<TBatch, long>? _lossWeight;
    private readonly List<double> _scores = [];
    private readonly List<bool> _same = [];
    private double _lossSum;
    private long _lossCount;

    /// <param name="evaluate">Returns the mean loss, the scores [N] and the same mask [N] of a batch.</param>
    /// <param name="kind">Whether the scores are distances or similarities.</param>
    /// <param name="lossWeight">Samples the batch's mean loss is over, when not one per score (a triplet gives two scores).</param>
    public PairValidationPass(Func<TBatch, Device, (Tensor Loss, Tensor Scores, Tensor IsSame)> evaluate, ScoreKind kind, Func<TBatch, long>? lossWeight = null)
    {
        _evaluate = evaluate;
        _kind = kind;
        _lossWeight = lossWeight;
    }

    /// <inheritdoc />
    public void Add(TBatch batch, Device device)
    {
        var (loss, scores, isSame) = _evaluate(batch, device);
        var s = scores.detach().to(ScalarType.Float64).cpu().data<double>().ToArray();
        long weight = _lossWeight?.Invoke(batch) ?? s.Length;
        _lossSum += loss.to(ScalarType.Float64).item<double>() * weight;
        _lossCount += weight;
        _scores.AddRange(s);
        _same.AddRange(isSame.cpu().data<bool>().ToArray());
    }

    /// <inheritdoc />
    public ValidationMetrics Complete()
    {
        if (_scores.Count == 0)
        {
            throw new InvalidOperationException("The validation source yielded no pairs.");
        }

        if (_scores.Any(s => !double.IsFinite(s)))
        {
            throw new NonFiniteLossException("A validation score is NaN or infinite: the network's embeddings are not finite.");
        }

        var verification = _kind == ScoreKind.Distance
            ? VerificationScores.FromDistances(_scores, _same)
            : VerificationScores.FromSimilarities(_scores, _same);
        if (verification.SameCount == 0 || verification.DifferentCount == 0)
        {
            throw new InvalidOperationException(
                $"Pair validation needs same and different pairs; the validation source has {verification.SameCount} same and {verification.DifferentCount} different pairs.");
        }

        var best = ThresholdCalibration.ForBestAccuracy(verification);
        return new ValidationMetrics
        {
            Loss = _lossSum / _lossCount,
            RocAuc = verification.Auc(),
            Eer = verification.Eer().Rate,
            Accuracy = best.Accuracy,
            Threshold = best.Threshold,
            ThresholdKind = _kind,
            Count = _scores.Count,
        };
    }
}
