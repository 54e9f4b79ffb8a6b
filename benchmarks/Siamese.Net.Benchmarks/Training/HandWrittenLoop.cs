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
    public static void Steps(SiameseNetwork network, PairLoss loss, Adam optimizer, IEnumerable<PairBatch> batches)
    {
        network.train();
        foreach (var batch in batches)
        {
            using (batch)
            using (NewDisposeScope())
            {
                optimizer.zero_grad();
                var (first, second) = network.EmbedPair(batch.First, batch.Second);
                var value = loss.Compute(first, second, batch.Targets);
                value.backward();
                optimizer.step();
            }
        }
    }

    public static Adam Adam(SiameseNetwork network, PairLoss loss) =>
        new(network.parameters().Concat(loss.parameters()), lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 5e-4, amsgrad: false, maximize: false);
}
