using System.Text.RegularExpressions;

namespace Siamese.Net.Tests;

/// <summary>
/// The NuGet package's own README (src/Siamese.Net/README.md) is read on a package page, not in the repository: it
/// has no links into the repository, no contributor-only sections, pins the libtorch backend, and its quick start is
/// the repository README's (samples/QuickStart/Program.cs, which the samples' QuickStartTests run) without the one line
/// that needs the samples' generated data.
/// </summary>
public sealed partial class PackageReadmeTests
{
    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Siamese.Net.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Siamese.Net.sln) is not above the test output.");
    }

    private static string PackageReadme() => File.ReadAllText(Path.Combine(RepoRoot(), "src", "Siamese.Net", "README.md"));

    [Fact]
    public void The_package_readme_has_no_links_and_no_contributor_sections()
    {
        string readme = PackageReadme();

        MarkdownLink().Matches(readme).Select(m => m.Value).Should().BeEmpty("relative links break on a package page");
        readme.Should().NotContain("Siamese.Net.sln").And.NotContain("dotnet test").And.NotContain("samples/")
            .And.NotContain("tests/").And.NotContain("](").And.NotContain("../");
    }

    [Fact]
    public void The_package_readme_pins_the_libtorch_backend_that_TorchSharp_needs()
    {
        PackageReadme().Should().Contain("dotnet add package libtorch-cpu-linux-x64 --version 2.10.0");
        string props = File.ReadAllText(Path.Combine(RepoRoot(), "Directory.Packages.props"));
        props.Should().Contain("PackageVersion Include=\"libtorch-cpu-linux-x64\" Version=\"2.10.0\"", "the version the docs pin is the one the tests run on")
            .And.Contain("PackageVersion Include=\"TorchSharp\" Version=\"0.107.0\"");
    }

    [Fact]
    public void The_package_readmes_quick_start_is_the_repository_readmes()
    {
        string repository = File.ReadAllText(Path.Combine(RepoRoot(), "README.md"));

        // The package's readers have no Siamese.Net.Samples.Common: their folder replaces the generated one.
        string expected = GeneratedData().Replace(
            CSharpBlock(repository).Replace("using Siamese.Net.Samples.Common.Synthetic;\n", string.Empty, StringComparison.Ordinal),
            "// A folder of people, one sub-folder each (faces/s1/1.pgm, faces/s1/2.pgm, ..., faces/s2/1.pgm, ...).\nstring folder = Option(\"--data\") ?? \"faces\";\n",
            1);
        CSharpBlock(PackageReadme()).Should().Be(expected,
            "copy the README's quick start into src/Siamese.Net/README.md when it changes, with your own folder for the generated one");
    }

    private static string CSharpBlock(string markdown) =>
        CodeBlock().Match(markdown.ReplaceLineEndings("\n")) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no C# block");

    [GeneratedRegex(@"// A folder of people.*?\nstring folder = [^\n]*\n", RegexOptions.Singleline)]
    private static partial Regex GeneratedData();

    [GeneratedRegex(@"\[[^\]]*\]\([^)]*\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex("```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
