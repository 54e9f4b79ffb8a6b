using Siamese.Net.Distances;
using Siamese.Net.Losses;
using static TorchSharp.torch;

namespace Siamese.Net.Miners;

/// <summary>
/// Triplet-margin mining (pytorch-metric-learning's <c>TripletMarginMiner</c>): every valid triplet (a, p, n) of the
/// batch whose gap <c>g = d(a, n) - d(a, p)</c> falls in the band that <see cref="Selection"/> names — all
/// margin-violating (<c>g &lt;= margin</c>), hard (<c>g &lt;= 0</c>), semi-hard (<c>0 &lt; g &lt;= margin</c>) or easy
/// (<c>g &gt; margin</c>).
/// </summary>
/// <remarks>
/// Distances are distance-like (a similarity is negated), so the bands mean the same for cosine similarity. Defaults:
/// margin 1.0 (the <see cref="TripletMarginLoss"/> default: give the miner the loss's margin), <see cref="TripletSelection.All"/>.
/// Unlike <see cref="SemiHardTripletMiner"/> (one negative per positive pair), every triplet in the band is kept.
/// </remarks>
public sealed class TripletMarginMiner : IMiner
{
    /// <summary>Creates the miner.</summary>
    /// <param name="margin">The margin of the bands; default 1.0.</param>
    /// <param name="selection">Which band to keep; <see cref="TripletSelection.All"/> by default.</param>
    /// <exception cref="ArgumentOutOfRangeException">The margin is negative or not finite, or the selection is not defined.</exception>
    public TripletMarginMiner(double margin = 1.0, TripletSelection selection = TripletSelection.All)
    {
        Margin = Guard.NonNegative(margin);
        if (!Enum.IsDefined(selection))
        {
            throw new ArgumentOutOfRangeException(nameof(selection), selection, "selection must be All, Hard, SemiHard or Easy.");
        }

        Selection = selection;
    }

    /// <summary>The margin of the bands.</summary>
    public double Margin { get; }

    /// <summary>Which band of triplets is kept.</summary>
    public TripletSelection Selection { get; }

    /// <inheritdoc />
    public string Name => Selection switch
    {
        TripletSelection.Hard => "triplet-margin-hard",
        TripletSelection.SemiHard => "triplet-margin-semi-hard",
        TripletSelection.Easy => "triplet-margin-easy",
        _ => "triplet-margin-all",
    };

    /// <inheritdoc />
    public IndexTuples Mine(Tensor embeddings, Tensor labels, IDistance distance)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (d, positive, negative) = MinerMasks.Build(embeddings, labels, distance);
        var gap = d.unsqueeze(1) - d.unsqueeze(2); // [a, p, n] = d(a, n) - d(a, p)
        var band = Selection switch
        {
            TripletSelection.Hard => gap.le(0),
            TripletSelection.SemiHard => gap.gt(0).logical_and(gap.le(Margin)),
            TripletSelection.Easy => gap.gt(Margin),
            _ => gap.le(Margin),
        };
        var valid = positive.unsqueeze(2).logical_and(negative.unsqueeze(1)).logical_and(band);
        var idx = valid.nonzero();
        return TripletTuples.Detached(idx[.., 0], idx[.., 1], idx[.., 2]);
    }
}
