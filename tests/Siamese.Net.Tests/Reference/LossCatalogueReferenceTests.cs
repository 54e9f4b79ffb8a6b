namespace Siamese.Net.Tests.Reference;

/// <summary>
/// The committed loss catalogue keeps the properties the C# losses are tested for: shapes that fit its inputs,
/// zero loss and gradient without positive pairs, and float32 runs that stay finite and close to float64 at large
/// scales. Guards a regenerated loss_catalogue.json.
/// </summary>
public sealed class LossCatalogueReferenceTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var name in LossCatalogue.CaseNames)
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gradients_fit_the_inputs_and_float32_stays_finite_and_close(string name)
    {
        var c = LossCatalogue.Case(name);
        var set = LossCatalogue.Root.GetProperty("inputs").GetProperty(c.GetProperty("inputs").GetString()!);
        var embeddings = LossCatalogue.Flat(set.GetProperty("embeddings"));
        var grad64 = LossCatalogue.Flat(c.GetProperty("grad_embeddings"));
        var grad32 = LossCatalogue.Flat(c.GetProperty("grad_embeddings_float32"));
        grad64.Should().HaveCount(embeddings.Length);
        grad32.Should().HaveCount(embeddings.Length);
        double value = c.GetProperty("value").GetDouble();
        double value32 = c.GetProperty("value_float32").GetDouble();
        double.IsFinite(value32).Should().BeTrue();
        value32.Should().BeApproximately(value, 1e-5 + (1e-5 * Math.Abs(value)));
        // Equal embeddings cancel terms of size ~gamma: float32 rounding leaves ~1e-6 where float64 has ~1e-14.
        double scale = grad64.Max(Math.Abs);
        for (int i = 0; i < grad64.Length; i++)
        {
            double.IsFinite(grad32[i]).Should().BeTrue();
            grad32[i].Should().BeApproximately(grad64[i], 1e-5 + (1e-4 * scale), "element {0}", i);
        }

        if (c.GetProperty("weights").ValueKind != System.Text.Json.JsonValueKind.Null)
        {
            var weights = LossCatalogue.Flat(set.GetProperty(c.GetProperty("weights").GetString()!));
            LossCatalogue.Flat(c.GetProperty("grad_weights")).Should().HaveCount(weights.Length);
        }
    }

    [Fact]
    public void Every_loss_that_needs_positives_is_zero_without_them()
    {
        string[] needPositives =
        [
            "multi_similarity", "multi_similarity_mined", "circle_gamma256", "circle_gamma80", "nt_xent_t0.1", "nt_xent_t0.5",
            "supervised_contrastive", "lifted_structure", "triplet_cosine",
        ];

        foreach (var loss in needPositives)
        {
            var c = LossCatalogue.Case(loss + "/no_positive");
            c.GetProperty("value").GetDouble().Should().Be(0, loss);
            LossCatalogue.Flat(c.GetProperty("grad_embeddings")).Should().OnlyContain(g => g == 0, loss);
        }

        LossCatalogue.Case("contrastive_cosine/no_positive").GetProperty("value").GetDouble()
            .Should().BeGreaterThan(0, "contrastive loss still pushes negatives apart");
    }
}
