using Siamese.Net.Data;

namespace Siamese.Net.Tests.Data;

/// <summary>The sources' options records reject out-of-range values naming the option and the value.</summary>
public sealed class SourceOptionsTests
{
    public static TheoryData<Action, string, int> Invalid => new()
    {
        { () => new EpisodeOptions { Ways = 1 }.Validate(), "Ways", 1 },
        { () => new EpisodeOptions { Shots = 0 }.Validate(), "Shots", 0 },
        { () => new EpisodeOptions { QueriesPerClass = 0 }.Validate(), "QueriesPerClass", 0 },
        { () => new EpisodeOptions { EpisodesPerEpoch = -3 }.Validate(), "EpisodesPerEpoch", -3 },
        { () => new MPerClassBatchOptions { ClassesPerBatch = 1 }.Validate(), "ClassesPerBatch", 1 },
        { () => new MPerClassBatchOptions { ImagesPerClass = 0 }.Validate(), "ImagesPerClass", 0 },
        { () => new MPerClassBatchOptions { BatchesPerEpoch = 0 }.Validate(), "BatchesPerEpoch", 0 },
        { () => new PKSamplerOptions { ClassesPerBatch = 0 }.Validate(), "ClassesPerBatch", 0 },
        { () => new PKSamplerOptions { ItemsPerClass = 0 }.Validate(), "ItemsPerClass", 0 },
        { () => _ = new PKSampler([0, 0, 1, 1], new PKSamplerOptions { ItemsPerClass = -1 }), "ItemsPerClass", -1 },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void An_out_of_range_option_is_rejected_naming_it_and_its_value(Action validate, string option, int value)
    {
        var error = validate.Should().Throw<ArgumentOutOfRangeException>().Which;
        error.ParamName.Should().Be(option);
        error.ActualValue.Should().Be(value);
        error.Message.Should().Contain($"got {value}");
    }

    [Fact]
    public void The_defaults_are_valid_and_a_pk_sampler_draws_p_classes_of_k_items()
    {
        new EpisodeOptions().Invoking(o => o.Validate()).Should().NotThrow();
        new MPerClassBatchOptions().Invoking(o => o.Validate()).Should().NotThrow();
        var sampler = new PKSampler([0, 0, 1, 1, 2, 2], new PKSamplerOptions { ClassesPerBatch = 2, ItemsPerClass = 2, Seed = 3 });
        sampler.ClassesPerBatch.Should().Be(2);
        sampler.ItemsPerClass.Should().Be(2);
        sampler.ItemCount.Should().Be(6);
    }
}
