using Siamese.Net.Data;
using Siamese.Net.Losses;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Siamese.Net.Benchmarks.Training;

/// <summary>
/// The loop a careful user would write by hand in TorchSharp (as the tutorials, minus the per-step <c>.item()</c>):
/// dispose scope, zero_grad, one batched forward of both sides, loss, backward, step.
/// </summary>
internal static class HandWrittenLoop
{
    public static void Steps(SiameseNetwork network, MetricLoss loss, Adam optimizer, IEnumerable<LabelledBatch> batches)
    {
        network.train();
        foreach (var batch in batches)
        {
            using (batch)
            using (NewDisposeScope())
            {
                optimizer.zero_grad();
                var embeddings = network.call(batch.Images);
                var value = loss.Compute(embeddings, batch.Labels, batch.Tuples);
                value.backward();
                optimizer.step();
            }
        }
    }

    public static Adam Adam(SiameseNetwork network, MetricLoss loss) =>
        new(network.parameters().Concat(loss.parameters()), lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 5e-4, amsgrad: false, maximize: false);
}
