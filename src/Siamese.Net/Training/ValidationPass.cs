using Siamese.Net.Data;
using Siamese.Net.Distances;
using Siamese.Net.Embedding;
using Siamese.Net.Evaluation;
using Siamese.Net.Losses;
using Siamese.Net.Search;
using static TorchSharp.torch;

namespace Siamese.Net.Training;

/// <summary>
/// One validation pass: every batch is embedded once; the loss, the pair scores (from the batch's tuples, or all pairs
/// of its labels) and the N-way accuracy (from its labels) all come from those embeddings and one distance.
/// </summary>
internal sealed class ValidationPass
{
    private readonly nn.Module<Tensor, Tensor> _network;
    private readonly MetricLoss _loss;
    private readonly IDistance _distance;
    private readonly List<double> _scores = [];
    private readonly List<bool> _same = [];
    private double _lossSum;
    private long _images;
    private long _correct;
    private long _queries;
    private long _ways;
    private long _labelledBatches;

    /// <summary>
    /// Validates on every batch of <paramref name="validation"/> (read as epoch 0, so every pass sees the same set) in
    /// evaluation mode without autograd, and puts the modules back in training mode.
    /// </summary>
    public static ValidationMetrics Run(
        nn.Module<Tensor, Tensor> network, MetricLoss loss, IBatchSource<ITrainingBatch> validation, Device device, CancellationToken cancellationToken)
    {
        var pass = new ValidationPass(network, loss);
        network.eval();
        loss.eval();
        try
        {
            using var _ = no_grad();
            foreach (var batch in validation.ReadEpoch(0, cancellationToken))
            {
                using (batch)
                using (NewDisposeScope())
                {
                    pass.Add(batch, device);
                }
            }
        }
        finally
        {
            network.train();
            loss.train();
        }

        return pass.Complete();
    }

    public ValidationPass(nn.Module<Tensor, Tensor> network, MetricLoss loss)
    {
        _network = network;
        _loss = loss;
        _distance = DistanceOf(network, loss);
    }

    /// <summary>
    /// The distance validation scores with: the loss's when it is learned (a BCE head), else a
    /// <see cref="SiameseNetwork"/>'s own (the one inference uses), else the loss's.
    /// </summary>
    public static IDistance DistanceOf(nn.Module network, MetricLoss loss) =>
        loss.parameters().Any() ? loss.Distance : Embedder.DistanceOf(network is MixedPrecisionNetwork mixed ? mixed.Network : network, loss.Distance);

    /// <summary>Adds a batch (called under no_grad, in eval mode, inside a dispose scope).</summary>
    public void Add(ITrainingBatch batch, Device device)
    {
        var embeddings = _network.call(batch.Images.to(device));
        var labels = batch.Labels?.to(ScalarType.Int64).to(device);
        using (var output = _loss.Evaluate(embeddings, labels, batch.Tuples))
        {
            _lossSum += output.Value.to(ScalarType.Float64).item<double>() * embeddings.shape[0];
        }

        _images += embeddings.shape[0];
        var pairs = batch.Tuples?.ToPairs() ?? (labels is null ? null : PairTuples.AllPairs(labels));
        if (pairs is not null)
        {
            var (positive, negative) = ((PairTuples)pairs.ToDevice(device)).Distances(embeddings, _distance);
            _scores.AddRange(positive.to(ScalarType.Float64).cpu().data<double>().ToArray());
            _same.AddRange(Enumerable.Repeat(true, (int)positive.shape[0]));
            _scores.AddRange(negative.to(ScalarType.Float64).cpu().data<double>().ToArray());
            _same.AddRange(Enumerable.Repeat(false, (int)negative.shape[0]));
        }

        if (labels is not null)
        {
            AddNWay(embeddings, labels, batch.SupportShots);
        }
    }

    public ValidationMetrics Complete()
    {
        if (_images == 0)
        {
            throw new InvalidOperationException("The validation source yielded no batch.");
        }

        if (_scores.Any(s => !double.IsFinite(s)))
        {
            throw new NonFiniteLossException("A validation score is NaN or infinite: the network's embeddings are not finite.");
        }

        double? auc = null, eer = null, pairAccuracy = null, threshold = null;
        ScoreKind? kind = null;
        var verification = _distance.IsSimilarity
            ? VerificationScores.FromSimilarities(_scores, _same)
            : VerificationScores.FromDistances(_scores, _same);
        if (verification.SameCount > 0 && verification.DifferentCount > 0)
        {
            var best = ThresholdCalibration.ForBestAccuracy(verification);
            auc = verification.Auc();
            eer = verification.Eer().Rate;
            pairAccuracy = best.Accuracy;
            threshold = best.Threshold;
            kind = _distance.IsSimilarity ? ScoreKind.Similarity : ScoreKind.Distance;
        }
        else if (_queries == 0)
        {
            throw new InvalidOperationException(
                $"Validation needs same and different pairs or labelled batches with queries; the validation source gave {verification.SameCount} same and {verification.DifferentCount} different pairs and no queries.");
        }

        return new ValidationMetrics
        {
            Loss = _lossSum / _images,
            RocAuc = auc,
            Eer = eer,
            PairAccuracy = pairAccuracy,
            Threshold = threshold,
            ThresholdKind = kind,
            NWayAccuracy = _queries > 0 ? (double)_correct / _queries : null,
            Ways = _labelledBatches > 0 ? (double)_ways / _labelledBatches : null,
            Count = _images,
        };
    }

    private void AddNWay(Tensor embeddings, Tensor labels, int shots)
    {
        long n = labels.shape[0];
        var same = labels.unsqueeze(1).eq(labels.unsqueeze(0));
        var rank = same.logical_and(ones(n, n, dtype: ScalarType.Bool, device: labels.device).tril(-1)).sum(1);
        var isSupport = rank.lt(Math.Max(shots, 1));
        var support = isSupport.nonzero().squeeze(1);
        var queries = isSupport.logical_not().nonzero().squeeze(1);
        if (queries.shape[0] == 0 || support.shape[0] < 2)
        {
            return;
        }

        var supportLabels = labels.index_select(0, support);
        using var scores = NearestClass.Score(embeddings.index_select(0, queries), embeddings.index_select(0, support), supportLabels, _distance, KShotAggregation.NearestSample);
        using var predicted = scores.Predict();
        _correct += predicted.eq(labels.index_select(0, queries).cpu()).sum().item<long>();
        _queries += queries.shape[0];
        _ways += scores.ClassIds.shape[0];
        _labelledBatches++;
    }
}
