using Siamese.Net.Samples.Common.Synthetic;

namespace Siamese.Net.Samples.Tests.Synthetic;

public sealed class SignatureStyleTests
{
    [Fact]
    public void A_forgers_copy_has_extra_pen_lifts_a_heavier_line_and_more_tremor_than_the_writer()
    {
        for (int writer = 0; writer < 20; writer++)
        {
            var original = SignatureStyle.Random(DeterministicRandom.For(1, writer));
            var copy = original.Imitate(DeterministicRandom.For(2, writer));

            copy.Trace(DeterministicRandom.For(3, writer)).Count.Should().BeGreaterThan(original.Trace(DeterministicRandom.For(3, writer)).Count);
            copy.PenRadius.Should().BeGreaterThan(original.PenRadius);
            copy.Tremor.Should().BeGreaterThan(original.Tremor);
            copy.Letters.Should().Be(original.Letters, "the forger writes the same name");
        }
    }

    [Fact]
    public void Natural_variation_keeps_the_writers_letters_and_their_kinds()
    {
        var original = SignatureStyle.Random(DeterministicRandom.For(1, 5));
        var again = original.Vary(DeterministicRandom.For(9, 9), 1.0);

        again.Heights.Select(Math.Sign).Should().Equal(original.Heights.Select(Math.Sign), "ascenders stay ascenders, descenders descenders");
        again.Heights.Zip(original.Heights, (a, b) => Math.Abs((a / b) - 1)).Should().OnlyContain(r => r < 0.35);
    }
}
