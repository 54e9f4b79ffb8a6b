using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Siamese.Net.Samples.Common.Results;

/// <summary>
/// Collects a sample's headline metrics and prints them as the final lines, exactly <c>RESULT name=value</c>
/// (invariant culture, fractions, four decimals), and writes the same lines to <c>results.txt</c> in the output
/// folder. Evaluation scripts parse these lines, so their format never depends on the console or the culture.
/// </summary>
public sealed partial class ResultWriter
{
    /// <summary>File written in the output folder.</summary>
    public const string FileName = "results.txt";

    private readonly List<KeyValuePair<string, double>> _results = [];

    /// <summary>The metrics added so far, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> Results => _results;

    /// <summary>Formats one line: <c>RESULT name=value</c>.</summary>
    public static string Format(string name, double value)
    {
        CheckName(name);
        CheckValue(name, value);
        return "RESULT " + name + "=" + value.ToString("0.0000", CultureInfo.InvariantCulture);
    }

    /// <summary>Adds a metric; its value is a fraction in [0, 1] (an accuracy of 97.5% is 0.975).</summary>
    /// <exception cref="ArgumentException">The name is not lower-case letters, digits and underscores.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a finite fraction in [0, 1].</exception>
    public ResultWriter Add(string name, double value)
    {
        CheckName(name);
        CheckValue(name, value);
        if (_results.Exists(r => r.Key == name))
        {
            throw new ArgumentException($"Result '{name}' was already added.", nameof(name));
        }

        _results.Add(new KeyValuePair<string, double>(name, value));
        return this;
    }

    /// <summary>
    /// Prints every line to <paramref name="console"/> (plain text: no markup, no wrapping) and writes them to
    /// <c>results.txt</c> under <paramref name="outputFolder"/> (created if needed).
    /// </summary>
    /// <returns>The path of the file written.</returns>
    public string Write(TextWriter console, string outputFolder)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputFolder);
        if (_results.Count == 0)
        {
            throw new InvalidOperationException("No result was added: a sample must report its headline metrics.");
        }

        var text = new StringBuilder();
        foreach (var (name, value) in _results)
        {
            string line = Format(name, value);
            console.Write(line + "\n");
            text.Append(line).Append('\n');
        }

        console.Flush();
        Directory.CreateDirectory(outputFolder);
        string path = Path.Combine(outputFolder, FileName);
        File.WriteAllText(path, text.ToString(), new UTF8Encoding(false));
        return path;
    }

    private static void CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!NamePattern().IsMatch(name))
        {
            throw new ArgumentException($"Result name '{name}' must be lower-case letters, digits and underscores, starting with a letter.", nameof(name));
        }
    }

    private static void CheckValue(string name, double value)
    {
        if (!double.IsFinite(value) || value < 0 || value > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"Result '{name}' must be a fraction in [0, 1] (not a percentage).");
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
