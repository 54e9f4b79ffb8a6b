using static TorchSharp.torch;

namespace Siamese.Net.Distances;

/// <summary>
/// Euclidean's fast path: rank by <c>|r|^2 - 2 q.r</c> (one <c>addmm</c>; <c>|q|^2</c> is the same for every
/// reference of a query), and finish only the selected keys with <c>sqrt(max(key + |q|^2, 0) + epsilon)</c>.
/// </summary>
/// <remarks>
/// The low-precision candidate pass works on vectors centred on the references' mean <c>m</c>
/// (<c>|q - r|^2 = |q - m|^2 + |r - m|^2 - 2 (q - m).(r - m)</c>), which keeps the rounded products small for
/// embeddings with a large common component (ReLU features are all positive), and adds the products to float32 norms
/// so that only the product, not the norm, is rounded.
/// </remarks>
internal sealed class EuclideanReferences : PreparedReferences
{
    private readonly double _epsilon;
    private readonly Tensor _references;
    private readonly Tensor _squaredNorms;
    private readonly Tensor? _low;
    private readonly Tensor? _centre;
    private readonly Tensor? _centredSquaredNorms;

    public EuclideanReferences(Tensor references, double epsilon, ScalarType? candidateType)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        _epsilon = epsilon;
        _references = references.detach().to(ScalarType.Float32).contiguous().clone().DetachFromDisposeScope();
        _squaredNorms = (_references * _references).sum(1).DetachFromDisposeScope();
        if (candidateType is { } type)
        {
            _centre = _references.mean([0], keepdim: true).DetachFromDisposeScope();
            var centred = _references - _centre;
            _centredSquaredNorms = (centred * centred).sum(1).DetachFromDisposeScope();
            _low = centred.to(type).DetachFromDisposeScope();
        }
    }

    public override long Count => _references.shape[0];

    public override bool HasCandidatePass => _low is not null;

    public override Tensor Keys(Tensor queries) =>
        _squaredNorms.unsqueeze(0).addmm(queries, _references.t(), beta: 1, alpha: -2);

    public override Tensor CandidateKeys(Tensor queries)
    {
        if (_low is null || _centre is null || _centredSquaredNorms is null)
        {
            return base.CandidateKeys(queries);
        }

        using var scope = NewDisposeScope();
        var dots = (queries - _centre).to(_low.dtype).matmul(_low.t());
        // float32 + bfloat16 promotes to float32 in one pass: only the products were rounded.
        return _centredSquaredNorms.unsqueeze(0).add(dots, alpha: -2).MoveToOuterDisposeScope();
    }

    public override Tensor KeysOf(Tensor queries, Tensor candidates)
    {
        using var scope = NewDisposeScope();
        var dots = Dots(queries, Gather(_references, candidates));
        return _squaredNorms.index_select(0, candidates.flatten()).view_as(candidates).add(dots, alpha: -2).MoveToOuterDisposeScope();
    }

    public override Tensor ToDistances(Tensor queries, Tensor keys)
    {
        using var scope = NewDisposeScope();
        var qq = (queries * queries).sum(1, keepdim: true);
        return keys.add(qq, alpha: 1).clamp_min(0).add(_epsilon, alpha: 1).sqrt().MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        _references.Dispose();
        _squaredNorms.Dispose();
        _low?.Dispose();
        _centre?.Dispose();
        _centredSquaredNorms?.Dispose();
    }
}
