using static TorchSharp.torch;

namespace Siamese.Net.Distances;

/// <summary>The general path for any <see cref="IDistance"/>: keys are its <see cref="IDistance.Matrix"/> made distance-like.</summary>
internal sealed class MatrixReferences : PreparedReferences
{
    private readonly IDistance _distance;
    private readonly Tensor _references;

    public MatrixReferences(IDistance distance, Tensor references)
    {
        _distance = distance;
        _references = references.detach().clone().DetachFromDisposeScope();
    }

    public override long Count => _references.shape[0];

    public override Tensor Keys(Tensor queries) => _distance.AsDistance(_distance.Matrix(queries, _references));

    public override Tensor KeysOf(Tensor queries, Tensor candidates)
    {
        using var scope = NewDisposeScope();
        long q = candidates.shape[0], c = candidates.shape[1];
        var rows = _references.index_select(0, candidates.flatten());
        var repeated = queries.repeat_interleave(c, dim: 0);
        return _distance.AsDistance(_distance.Pairwise(repeated, rows)).view(q, c).MoveToOuterDisposeScope();
    }

    public override Tensor ToDistances(Tensor queries, Tensor keys) => keys.alias();

    protected override void Dispose(bool disposing) => _references.Dispose();
}
