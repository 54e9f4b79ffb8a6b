using Siamese.Net.Distances;
using Siamese.Net.Losses;
using Siamese.Net.Miners;
using Siamese.Net.Tests.Training;
using Siamese.Net.Training;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Losses;

/// <summary>
/// Every loss of the catalogue trains a tiny encoder through the one <see cref="SiameseTrainer.Fit"/> on P×K batches
/// (4 classes × 4 images of 6 synthetic identities) and its training loss goes down.
/// </summary>
/// <remarks>Runs alone: the encoder's and the proxies' initial weights come from the global generator.</remarks>
[Collection(TorchRandomCollection.Name)]
public sealed class CatalogueTrainingTests
{
    private const int Identities = 6;
    private const int EmbeddingSize = 8;
    private static readonly SyntheticClasses Classes = new(classes: Identities);

    public static TheoryData<string> Losses() =>
    [
        "multi-similarity", "multi-similarity-mined", "circle", "nt-xent", "supervised-contrastive", "lifted-structure",
        "proxy-anchor", "proxy-nca", "normalized-softmax", "cosface", "arcface", "subcenter-arcface",
        "triplet-margin-semi-hard", "triplet-easy-hard",
    ];

    private static MetricLoss Create(string name) => name switch
    {
        "multi-similarity" => new MultiSimilarityLoss(),
        "multi-similarity-mined" => new MultiSimilarityLoss(miner: new MultiSimilarityMiner()),
        "circle" => new CircleLoss(),
        "nt-xent" => new NTXentLoss(),
        "supervised-contrastive" => new SupervisedContrastiveLoss(),
        "lifted-structure" => new LiftedStructureLoss(),
        "proxy-anchor" => new ProxyAnchorLoss(Identities, EmbeddingSize),
        "proxy-nca" => new ProxyNcaLoss(Identities, EmbeddingSize),
        "normalized-softmax" => new NormalizedSoftmaxLoss(Identities, EmbeddingSize),
        "cosface" => new CosFaceLoss(Identities, EmbeddingSize, scale: 16),
        "arcface" => new ArcFaceLoss(Identities, EmbeddingSize, scale: 16),
        "subcenter-arcface" => new SubCenterArcFaceLoss(Identities, EmbeddingSize, scale: 16),
        "triplet-margin-semi-hard" => new TripletMarginLoss(0.5, new TripletMarginMiner(0.5, TripletSelection.SemiHard)),
        "triplet-easy-hard" => new TripletMarginLoss(0.5, new BatchEasyHardMiner()),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown loss"),
    };

    [Theory]
    [MemberData(nameof(Losses))]
    public void Trains_through_Fit_on_PxK_batches_with_a_decreasing_loss(string name)
    {
        using var network = TinyEncoder.Create();
        using var loss = Create(name);
        var weightsBefore = loss is ProxyLoss ? TinyEncoder.Weights(loss) : null;
        double heldOutBefore = HeldOutTripletLoss(network);
        var result = new SiameseTrainer(new SiameseTrainerOptions { Epochs = 4, Optimizer = KnownOptimizers.Adam(1e-2), KeepBest = false })
            .Fit(network, loss, new SyntheticLabelledSource(Classes, batches: 8));

        result.History.Should().HaveCount(4);
        result.History.Should().OnlyContain(h => double.IsFinite(h.TrainingLoss));
        if (loss.Miner is null)
        {
            result.History[^1].TrainingLoss.Should().BeLessThan(result.History[0].TrainingLoss, name);
        }

        // A mined loss's mean is over whatever is still hard, which need not fall; a fixed criterion must.
        HeldOutTripletLoss(network).Should().BeLessThan(heldOutBefore, name);
        if (loss is ProxyLoss)
        {
            TinyEncoder.Weights(loss).Should().NotEqual(weightsBefore, "the class weights are trained with the network");
        }
    }

    /// <summary>The mean triplet loss over every triplet of a fixed held-out P×K batch (no mining), in cosine distance.</summary>
    private static double HeldOutTripletLoss(TinyEncoder network)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var batch = new SyntheticLabelledSource(Classes, batches: 1, classesPerBatch: Identities, perClass: 4, seed: 404).ReadEpoch(0).Single();
        network.eval();
        var embeddings = network.call(batch.Images);
        network.train();
        using var criterion = new TripletMarginLoss(0.5, new BatchAllTripletMiner(activeOnly: false), new CosineDistance());
        return criterion.Compute(embeddings, batch.Labels!).item<float>();
    }

    [Fact]
    public void The_class_weights_reach_the_optimizer_as_the_losss_own_parameters()
    {
        using var network = TinyEncoder.Create();
        using var loss = new ProxyAnchorLoss(Identities, EmbeddingSize);
        TrainableParameters? seen = null;
        var adam = KnownOptimizers.Adam(1e-2);
        var options = new SiameseTrainerOptions
        {
            Epochs = 1,
            KeepBest = false,
            Optimizer = p =>
            {
                seen = p;
                return adam(p);
            },
        };
        new SiameseTrainer(options).Fit(network, loss, new SyntheticLabelledSource(Classes, batches: 2));

        seen!.Loss.Should().ContainSingle().Which.shape.Should().Equal(Identities, EmbeddingSize);
        seen.Network.Should().HaveCount(network.parameters().Count());
        loss.Weight.dtype.Should().Be(ScalarType.Float32);
    }

    [Fact]
    public void Class_weights_stay_float32_and_finite_when_the_network_computes_in_bfloat16()
    {
        using var network = new SiameseNetwork(TinyEncoder.Create()).SetPrecision(NetworkPrecision.BFloat16);
        using var loss = new ArcFaceLoss(Identities, EmbeddingSize);
        var result = new SiameseTrainer(new SiameseTrainerOptions { Epochs = 2, Optimizer = KnownOptimizers.Adam(1e-2), KeepBest = false })
            .Fit(network, loss, new SyntheticLabelledSource(Classes, batches: 4));

        result.History.Should().OnlyContain(h => double.IsFinite(h.TrainingLoss));
        loss.Weight.dtype.Should().Be(ScalarType.Float32);
        loss.Weight.isfinite().all().item<bool>().Should().BeTrue();
        network.parameters().Should().OnlyContain(p => p.dtype == ScalarType.BFloat16);
    }

    [Fact]
    public void The_proxies_can_have_their_own_learning_rate_through_an_optimizer_parameter_group()
    {
        using var network = TinyEncoder.Create();
        using var loss = new ProxyAnchorLoss(Identities, EmbeddingSize);
        TorchSharp.Modules.Adam? adam = null;
        var options = new SiameseTrainerOptions
        {
            Epochs = 2,
            KeepBest = false,
            // Kim et al. train the proxies with 100x the network's learning rate.
            Optimizer = p => adam = optim.Adam(
                [
                    new TorchSharp.Modules.Adam.ParamGroup(p.Network, new TorchSharp.Modules.Adam.Options { LearningRate = 1e-3 }),
                    new TorchSharp.Modules.Adam.ParamGroup(p.Loss, new TorchSharp.Modules.Adam.Options { LearningRate = 1e-1 }),
                ],
                1e-3),
        };
        var before = TinyEncoder.Weights(loss);
        var result = new SiameseTrainer(options).Fit(network, loss, new SyntheticLabelledSource(Classes, batches: 6));

        adam!.ParamGroups.Select(g => g.LearningRate).Should().Equal(1e-3, 1e-1);
        result.History[^1].TrainingLoss.Should().BeLessThan(result.History[0].TrainingLoss);
        TinyEncoder.Weights(loss).Should().NotEqual(before);
    }
}
