using System.Text.Json;
using Siamese.Net.Distances;
using Siamese.Net.Tests.Reference;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Distances;

public sealed class DistanceTests
{
    private static readonly JsonElement Ref = ReferenceData.Load("losses.json").GetProperty("distances");

    public static TheoryData<string> Names => new() { "euclidean", "manhattan", "cosine" };

    private static IDistance Create(string name) => name switch
    {
        "euclidean" => new EuclideanDistance(),
        "manhattan" => new ManhattanDistance(),
        "cosine" => new CosineDistance(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void Matrix_value_and_gradient_match_PyTorch(string name)
    {
        using var scope = NewDisposeScope();
        var q = Ref.GetProperty("queries").Floats(4, 5).requires_grad_();
        var r = Ref.GetProperty("references").Floats(3, 5).requires_grad_();
        var weights = Ref.GetProperty("weights").Floats(4, 3);
        var expected = Ref.GetProperty(name);

        var distance = Create(name);
        var matrix = distance.Matrix(q, r);
        (matrix * weights).sum().backward();

        distance.Name.Should().Be(name);
        matrix.shape.Should().Equal(4, 3);
        matrix.ShouldBeClose(expected.GetProperty("matrix").Doubles(), 1e-5, 1e-5);
        q.grad!.ShouldBeClose(expected.GetProperty("grad_queries").Doubles(), 1e-5, 1e-5);
        r.grad!.ShouldBeClose(expected.GetProperty("grad_references").Doubles(), 1e-5, 1e-5);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Pairwise_value_and_gradient_match_PyTorch(string name)
    {
        using var scope = NewDisposeScope();
        var q = Ref.GetProperty("queries").Floats(4, 5).requires_grad_();
        var r = Ref.GetProperty("references").Floats(3, 5).requires_grad_();
        var expected = Ref.GetProperty(name);

        var d = Create(name).Pairwise(q.narrow(0, 0, 3), r);
        d.sum().backward();

        d.shape.Should().Equal(3);
        d.ShouldBeClose(expected.GetProperty("pairwise_first3").Doubles(), 1e-5, 1e-5);
        q.grad!.ShouldBeClose(expected.GetProperty("pairwise_grad_queries").Doubles(), 1e-5, 1e-5);
        r.grad!.ShouldBeClose(expected.GetProperty("pairwise_grad_references").Doubles(), 1e-5, 1e-5);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Gradient_is_finite_at_zero_distance(string name)
    {
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 0.3f, -1.2f, 0.7f, 0.3f, -1.2f, 0.7f }).reshape(2, 3).requires_grad_();
        var b = tensor(new float[] { 0.3f, -1.2f, 0.7f, 2f, 0f, 1f }).reshape(2, 3).requires_grad_();
        var distance = Create(name);

        var pairwise = distance.Pairwise(a, b);
        var matrix = distance.Matrix(a, a);
        (pairwise.sum() + matrix.sum()).backward();

        pairwise[0].item<float>().Should().BeApproximately(0f, 1e-5f);
        matrix.diagonal().ShouldBeClose(new[] { 0.0, 0.0 }, 1e-5);
        a.grad!.isfinite().all().item<bool>().Should().BeTrue("the gradient at zero distance must be finite for {0}", name);
        b.grad!.isfinite().all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void Euclidean_gradient_at_zero_distance_is_exactly_zero()
    {
        using var scope = NewDisposeScope();
        var a = ones(1, 4).requires_grad_();
        var b = ones(1, 4);

        new EuclideanDistance().Pairwise(a, b).sum().backward();

        a.grad!.abs().max().item<float>().Should().Be(0f);
    }

    [Fact]
    public void Euclidean_large_matrix_uses_the_expansion_and_agrees_with_cdist()
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(7);
        var q = randn(300, 64, generator: gen);
        var r = randn(250, 64, generator: gen);

        var matrix = new EuclideanDistance().Matrix(q, r);

        var expected = cdist(q.to_type(ScalarType.Float64), r.to_type(ScalarType.Float64));
        (matrix.to_type(ScalarType.Float64) - expected).abs().max().item<double>().Should().BeLessThan(1e-4);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Mismatched_shapes_are_rejected_with_both_shapes_named(string name)
    {
        using var scope = NewDisposeScope();
        var distance = Create(name);

        var pairwise = () => distance.Pairwise(zeros(3, 4), zeros(2, 4));
        var matrix = () => distance.Matrix(zeros(3, 4), zeros(2, 5));

        pairwise.Should().Throw<ArgumentException>().WithMessage("*[3, 4]*[2, 4]*");
        matrix.Should().Throw<ArgumentException>().WithMessage("*[3, 4]*[2, 5]*");
    }

    [Fact]
    public void Cosine_distance_ignores_lengths()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 1, 2, 3 }).reshape(1, 3);

        new CosineDistance().Pairwise(a, a * 5).item<float>().Should().BeApproximately(0f, 1e-6f);
        new CosineDistance().Pairwise(a, -a).item<float>().Should().BeApproximately(2f, 1e-6f);
    }
}
