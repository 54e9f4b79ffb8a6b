using static TorchSharp.torch;

namespace Siamese.Net.Embedding;

/// <summary>Scores from queries to support classes (from <see cref="NearestClass.Score"/>). Owns its tensors.</summary>
/// <param name="Scores">Distance-like scores [Q, C]; smaller = closer.</param>
/// <param name="ClassIds">The class id of each column [C], in order of first appearance in the support set.</param>
public sealed record ClassDistances(Tensor Scores, Tensor ClassIds) : IDisposable
{
    /// <summary>The nearest class id of each query [Q]; ties go to the class that appeared first.</summary>
    /// <returns>A new Int64 tensor on the CPU.</returns>
    public Tensor Predict()
    {
        using var scope = NewDisposeScope();
        var column = Scores.argmin(1).cpu();
        return ClassIds.index_select(0, column).MoveToOuterDisposeScope();
    }

    /// <summary>The fraction of queries whose nearest class is their true class.</summary>
    /// <param name="queryClassIds">The true class id of each query [Q].</param>
    /// <returns>The accuracy in [0, 1].</returns>
    public double Accuracy(Tensor queryClassIds)
    {
        ArgumentNullException.ThrowIfNull(queryClassIds);
        using var scope = NewDisposeScope();
        var predicted = Predict();
        return predicted.eq(queryClassIds.cpu().to(ScalarType.Int64)).to(ScalarType.Float64).mean().item<double>();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Scores.Dispose();
        ClassIds.Dispose();
    }
}
