using Siamese.Net.Imaging;
using Siamese.Net.Inference;
using TorchSharp;
using static Siamese.Net.Tests.Inference.OneShotClassifierTests;

namespace Siamese.Net.Tests.Inference;

public sealed class OneShotClassifierResourceTests
{
    [Fact]
    public void Repeated_predictions_leave_no_live_tensors_behind()
    {
        var preprocessing = new ImagePreprocessing { Width = 20, Height = 20 };
        var support = Patterns(3, seed: 60);
        var query = Patterns(1, seed: 61)[0];
        using var classifier = new OneShotClassifier(MakeEncoder(), preprocessing);
        for (int c = 0; c < 3; c++)
        {
            classifier.AddClass($"c{c}", [support[c]]);
        }

        classifier.Predict(query);
        classifier.PredictBatch([query, query]);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        for (int i = 0; i < 20; i++)
        {
            classifier.Predict(query);
            classifier.PredictBatch([query, query]);
        }

        DisposeScopeManager.Statistics.ThreadTotalLiveCount.Should().Be(before, "a web service predicts forever");
    }
}
