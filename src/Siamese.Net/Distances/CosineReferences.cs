using static TorchSharp.torch;

namespace Siamese.Net.Distances;

/// <summary>Cosine's fast path: references stored as unit vectors, keys <c>-(q/|q|).(r/|r|)</c>, distance <c>1 + key</c>.</summary>
/// <remarks>
/// The low-precision candidate pass ranks by <c>-u.(v - m)</c> with <c>m</c> the mean unit reference: it differs from
/// <c>-u.v</c> by <c>u.m</c>, the same for every reference of a query, and its products are small when the embeddings
/// cluster (cosine similarities all near 1), where rounding <c>u.v</c> itself to bfloat16 would tie them.
/// </remarks>
internal sealed class CosineReferences : PreparedReferences
{
    private readonly double _epsilon;
    private readonly Tensor _unit;
    private readonly Tensor? _low;

    public CosineReferences(Tensor references, double epsilon, ScalarType? candidateType)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        _epsilon = epsilon;
        var r = references.detach().to(ScalarType.Float32);
        _unit = (r / r.norm(1, keepdim: true).clamp_min(epsilon)).contiguous().DetachFromDisposeScope();
        if (candidateType is { } type)
        {
            _low = (_unit - _unit.mean([0], keepdim: true)).to(type).DetachFromDisposeScope();
        }
    }

    public override long Count => _unit.shape[0];

    public override bool HasCandidatePass => _low is not null;

    public override Tensor Keys(Tensor queries)
    {
        using var scope = NewDisposeScope();
        return Unit(queries).matmul(_unit.t()).neg_().MoveToOuterDisposeScope();
    }

    public override Tensor CandidateKeys(Tensor queries)
    {
        if (_low is null)
        {
            return base.CandidateKeys(queries);
        }

        using var scope = NewDisposeScope();
        return Unit(queries).to(_low.dtype).matmul(_low.t()).neg_().MoveToOuterDisposeScope();
    }

    public override Tensor KeysOf(Tensor queries, Tensor candidates)
    {
        using var scope = NewDisposeScope();
        return Dots(Unit(queries), Gather(_unit, candidates)).neg_().MoveToOuterDisposeScope();
    }

    public override Tensor ToDistances(Tensor queries, Tensor keys) => keys.add(1.0, alpha: 1);

    protected override void Dispose(bool disposing)
    {
        _unit.Dispose();
        _low?.Dispose();
    }

    private Tensor Unit(Tensor x) => x / x.norm(1, keepdim: true).clamp_min(_epsilon);
}
