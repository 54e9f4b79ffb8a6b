using System.Globalization;
using Siamese.Net.Samples.Common.Results;

namespace Siamese.Net.Samples.Tests.Results;

public sealed class ResultWriterTests
{
    [Fact]
    public void Prints_exact_result_lines_and_writes_the_same_to_results_txt()
    {
        using var temp = new TempFolder();
        var console = new StringWriter();
        var writer = new ResultWriter().Add("eer", 0.0412).Add("auc", 0.98765).Add("accuracy_10way_1shot", 1);

        string path = writer.Write(console, temp.Sub("output"));

        console.ToString().Should().Be("RESULT eer=0.0412\nRESULT auc=0.9877\nRESULT accuracy_10way_1shot=1.0000\n");
        path.Should().Be(Path.Combine(temp.Sub("output"), "results.txt"));
        File.ReadAllText(path).Should().Be(console.ToString());
    }

    [Fact]
    public void The_format_ignores_the_current_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            ResultWriter.Format("accuracy", 0.5).Should().Be("RESULT accuracy=0.5000");
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Theory]
    [InlineData(97.5)]
    [InlineData(-0.01)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Values_that_are_not_fractions_are_rejected(double value)
    {
        var act = () => new ResultWriter().Add("accuracy", value);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*fraction*");
    }

    [Theory]
    [InlineData("EER")]
    [InlineData("eer value")]
    [InlineData("eer=1")]
    [InlineData("1eer")]
    public void Names_the_parsers_cannot_read_are_rejected(string name)
    {
        var act = () => new ResultWriter().Add(name, 0.1);
        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void A_metric_is_reported_once_and_at_least_one_is_required()
    {
        var act = () => new ResultWriter().Add("eer", 0.1).Add("eer", 0.2);
        act.Should().Throw<ArgumentException>().WithMessage("*already*");
        var empty = () => new ResultWriter().Write(TextWriter.Null, Path.GetTempPath());
        empty.Should().Throw<InvalidOperationException>();
    }
}
