using static TorchSharp.torch;

namespace Siamese.Net.Training;

/// <summary>
/// Validation of a pair task: collects the loss and a same-pair score for every pair, then computes verification
/// metrics over all of them at once (AUC and EER are not averages of batch values).
/// </summary>
/// <typeparam name="TBatch">The batch type.</typeparam>
internal sealed class PairValidationPass<TBatch> : IValidationPass<TBatch>
{
    private readonly Func<TBatch, Device, (Tensor Loss, Tensor Scores, Tensor IsSame)> _evaluate;
    private readonly List<double> _scores = [];
    private readonly List<bool> _same = [];
    private double _lossSum;

    /// <param name="evaluate">Returns the mean loss, the scores [N] (higher = more alike) and the same mask [N] of a batch.</param>
    public PairValidationPass(Func<TBatch, Device, (Tensor Loss, Tensor Scores, Tensor IsSame)> evaluate) => _evaluate = evaluate;

    /// <inheritdoc />
    public void Add(TBatch batch, Device device)
    {
        var (loss, scores, isSame) = _evaluate(batch, device);
        var s = scores.detach().to(ScalarType.Float64).cpu().data<double>().ToArray();
        _lossSum += loss.to(ScalarType.Float64).item<double>() * s.Length;
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

        var (auc, eer, accuracy, threshold) = PairScoreMetrics.Compute(_scores, _same);
        return new ValidationMetrics
        {
            Loss = _lossSum / _scores.Count,
            RocAuc = auc,
            Eer = eer,
            Accuracy = accuracy,
            Threshold = threshold,
            Count = _scores.Count,
        };
    }
}
