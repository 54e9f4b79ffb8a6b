namespace OmniglotOneShot;

/// <summary>The training and split sizes in force: what the user gave, else the defaults for the data in use.</summary>
/// <param name="Epochs">Epochs.</param>
/// <param name="StepsPerEpoch">Batches per epoch.</param>
/// <param name="ClassesPerBatch">Classes per batch.</param>
/// <param name="LearningRate">Initial learning rate.</param>
/// <param name="TestAlphabets">Alphabets held out for the test (0 with Lake runs).</param>
/// <param name="ValidationAlphabets">Alphabets held out for validation.</param>
/// <param name="ValidationRuns">Validation episodes per validation, and runs to calibrate the threshold.</param>
public sealed record TrainingPlan(int Epochs, int StepsPerEpoch, int ClassesPerBatch, double LearningRate, int TestAlphabets, int ValidationAlphabets, int ValidationRuns)
{
    /// <summary>Resolves the plan.</summary>
    /// <param name="settings">The command line.</param>
    /// <param name="embedded">Whether the generated glyphs are in use (a run must end within 3 minutes).</param>
    /// <param name="lakeRuns">Whether Lake's runs are the test (then no test alphabets are held out).</param>
    public static TrainingPlan For(OmniglotSettings settings, bool embedded, bool lakeRuns)
    {
        ArgumentNullException.ThrowIfNull(settings);
        bool koch = settings.Encoder == EncoderChoice.Koch;
        return new TrainingPlan(
            Epochs: settings.EpochsOr(embedded ? 6 : koch ? 20 : 30),
            StepsPerEpoch: settings.StepsPerEpoch ?? (embedded ? 20 : 250),
            ClassesPerBatch: settings.ClassesPerBatch ?? (embedded ? 24 : 60),
            LearningRate: settings.LearningRate ?? (koch ? 6e-5 : 1e-3),
            TestAlphabets: lakeRuns ? 0 : settings.TestAlphabets ?? (embedded ? 2 : 5),
            ValidationAlphabets: settings.ValidationAlphabets ?? (embedded ? 1 : 2),
            ValidationRuns: embedded ? 30 : 100);
    }
}
