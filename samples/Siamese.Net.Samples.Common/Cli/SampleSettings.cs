using System.ComponentModel;
using System.Globalization;
using Siamese.Net.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Siamese.Net.Samples.Common.Cli;

/// <summary>
/// The options every sample has: <c>--epochs</c>, <c>--seed</c> and <c>--output</c> (<c>--help</c> comes from
/// Spectre.Console.Cli). Each sample derives its settings from this class and adds its data options.
/// </summary>
public abstract class SampleSettings : CommandSettings
{
    /// <summary>Training epochs; null lets the sample pick its default for the data in use (embedded or real).</summary>
    [CommandOption("-e|--epochs <EPOCHS>")]
    [Description("Training epochs. Default: the sample's setting for the data in use (embedded or real).")]
    public int? Epochs { get; set; }

    /// <summary>Seed for weight initialisation, pair sampling, splits and the embedded data.</summary>
    [CommandOption("-s|--seed <SEED>")]
    [Description("Seed for weights, sampling, splits and the embedded data; the same seed repeats a run.")]
    [DefaultValue(42)]
    public int Seed { get; set; } = 42;

    /// <summary>Folder for plots, the pair grid, the saved classifier and results.txt.</summary>
    [CommandOption("-o|--output <FOLDER>")]
    [Description("Folder for plots, the example grid, the trained classifier and results.txt.")]
    [DefaultValue("./output")]
    public string Output { get; set; } = "./output";

    /// <summary>The number formats to train in: <c>float32</c> or <c>mixed</c> (see <see cref="TrainingPrecision"/>).</summary>
    [CommandOption("--precision <PRECISION>")]
    [Description("float32 (default) or mixed: bfloat16 forward and backward with float32 master weights and optimizer state (TrainingPrecision.MixedBFloat16; fast on CPUs with AVX512-BF16 or AMX).")]
    [DefaultValue("float32")]
    public string Precision { get; set; } = "float32";

    /// <summary>The trainer's precision strategy for <see cref="Precision"/>.</summary>
    public TrainingPrecision TrainingPrecision => Precision == "mixed" ? TrainingPrecision.MixedBFloat16 : TrainingPrecision.Float32;

    /// <summary>Whether error reports include the stack trace (read by <see cref="SampleHost"/>).</summary>
    [CommandOption("--verbose")]
    [Description("Show the stack trace when the sample fails (by default only the message is shown).")]
    public bool Verbose { get; set; }

    /// <summary>The full path of <see cref="Output"/>.</summary>
    public string OutputPath => Path.GetFullPath(Output);

    /// <summary>
    /// Where the generated default data set <paramref name="name"/> lives: under the output folder, so a run with no
    /// arguments writes only there, and a second run with the same seed reuses it (see
    /// <see cref="Synthetic.EmbeddedDataset"/>).
    /// </summary>
    public string EmbeddedDataFolder(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return Path.Combine(OutputPath, "embedded-data", name);
    }

    /// <summary><see cref="Epochs"/> when given, otherwise <paramref name="defaultEpochs"/>.</summary>
    public int EpochsOr(int defaultEpochs) => Epochs ?? defaultEpochs;

    /// <inheritdoc />
    /// <remarks>Derived settings call <c>base.Validate()</c> first and return its result when it failed.</remarks>
    public override ValidationResult Validate()
    {
        if (Epochs is < 1)
        {
            return ValidationResult.Error(string.Create(CultureInfo.InvariantCulture, $"--epochs must be at least 1 (got {Epochs})."));
        }

        if (Seed < 0)
        {
            return ValidationResult.Error(string.Create(CultureInfo.InvariantCulture, $"--seed must be 0 or more (got {Seed})."));
        }

        if (Precision is not ("float32" or "mixed"))
        {
            return ValidationResult.Error($"--precision must be 'float32' or 'mixed' (got '{Precision}').");
        }

        if (string.IsNullOrWhiteSpace(Output))
        {
            return ValidationResult.Error("--output must name a folder.");
        }

        if (File.Exists(Output))
        {
            return ValidationResult.Error($"--output '{Output}' is a file; it must be a folder (created when missing).");
        }

        return ValidationResult.Success();
    }

    /// <summary>A validation error for an optional positive number, or success when it is null or positive.</summary>
    protected static ValidationResult RequirePositive(int? value, string optionName) =>
        value is < 1
            ? ValidationResult.Error(string.Create(CultureInfo.InvariantCulture, $"{optionName} must be at least 1 (got {value})."))
            : ValidationResult.Success();

    /// <summary>A validation error for an optional fraction outside (0, 1), or success.</summary>
    protected static ValidationResult RequireFraction(double? value, string optionName) =>
        value is double v && (!double.IsFinite(v) || v <= 0 || v >= 1)
            ? ValidationResult.Error(string.Create(CultureInfo.InvariantCulture, $"{optionName} must be a fraction between 0 and 1 (got {v})."))
            : ValidationResult.Success();
}
