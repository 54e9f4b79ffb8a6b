using Siamese.Net.Data;
using System.Text;

namespace Siamese.Net.Datasets;

/// <summary>
/// Reads pair lists in the Kaggle <c>sign_data</c> layout: three columns <c>img1,img2,label</c>, with or without a
/// header row (<see cref="PairCsvOptions.HasHeader"/>), image paths relative to a root folder. Paths are resolved with
/// symbolic links followed, and a path whose real location is outside the root is rejected unless allowed.
/// </summary>
public static class PairCsv
{
    private static readonly string[] ColumnNames = ["img1", "img2", "label"];

    private static readonly HashSet<string> LabelColumnNames = new(
        ["label", "target", "y", "same", "is_same", "different", "is_different", "forged", "is_forged", "genuine", "match", "similar"],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Reads and validates every row. Nothing is returned unless the whole file is valid: a bad row throws an
    /// <see cref="InvalidDataException"/> (or <see cref="FileNotFoundException"/>) naming the file, row and column.
    /// </summary>
    /// <param name="csvPath">The pairs file.</param>
    /// <param name="imageRoot">The folder the image paths are relative to (for <c>sign_data</c>, the <c>train/</c> folder).</param>
    /// <param name="options">The label convention and path rules.</param>
    /// <returns>The pairs, with full image paths, in file order.</returns>
    /// <exception cref="FileNotFoundException">The CSV or a referenced image does not exist.</exception>
    /// <exception cref="DirectoryNotFoundException">The image root does not exist.</exception>
    /// <exception cref="InvalidDataException">A row is malformed, a label is outside the convention, or a path escapes the root.</exception>
    public static IReadOnlyList<ImagePair> Read(string csvPath, string imageRoot, PairCsvOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(csvPath);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.LabelConvention, nameof(options) + "." + nameof(options.LabelConvention));
        if (options.LabelConvention.SameValue == options.LabelConvention.DifferentValue)
        {
            throw new ArgumentException(
                $"LabelConvention maps both same and different to {options.LabelConvention.SameValue}.", nameof(options));
        }

        var root = DatasetPaths.NormaliseRoot(imageRoot, nameof(imageRoot));
        if (!File.Exists(csvPath))
        {
            throw new FileNotFoundException($"Pairs CSV not found: {Path.GetFullPath(csvPath)}", csvPath);
        }

        var pairs = new List<ImagePair>();
        var checkedFiles = new HashSet<string>(StringComparer.Ordinal);
        int row = 0;
        bool seenContent = false;
        foreach (var line in File.ReadLines(csvPath, Encoding.UTF8))
        {
            row++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var cells = SplitCsvLine(line, csvPath, row);
            string where = $"{csvPath} row {row}";
            if (cells.Count != 3)
            {
                throw new InvalidDataException(
                    $"{where}: expected 3 columns (img1, img2, label), found {cells.Count}: \"{Truncate(line)}\".");
            }

            bool firstContentRow = !seenContent;
            seenContent = true;
            if (firstContentRow && IsHeader(cells, options))
            {
                continue;
            }

            if (!options.LabelConvention.TryParse(cells[2], out var label))
            {
                string hint = firstContentRow && options.HasHeader == PairCsvHeader.Auto
                    ? " If row 1 is a header, set PairCsvOptions.HasHeader to Present."
                    : string.Empty;
                throw new InvalidDataException(
                    $"{where} column 3 (label): '{cells[2]}' is not a label of the stated convention " +
                    $"({options.LabelConvention.SameValue} = same, {options.LabelConvention.DifferentValue} = different).{hint}");
            }

            var paths = new string[2];
            for (int c = 0; c < 2; c++)
            {
                string cellWhere = $"{where} column {c + 1} ({ColumnNames[c]})";
                paths[c] = DatasetPaths.Resolve(root, cells[c], options.AllowPathsOutsideRoot, cellWhere);
                if (options.CheckFilesExist && checkedFiles.Add(paths[c]))
                {
                    DatasetPaths.RequireFile(paths[c], cellWhere);
                }
            }

            pairs.Add(new ImagePair(paths[0], paths[1], label));
        }

        if (pairs.Count == 0)
        {
            throw new InvalidDataException($"{csvPath}: the file contains no pairs.");
        }

        return pairs.AsReadOnly();
    }

    private static bool IsHeader(List<string> cells, PairCsvOptions options) => options.HasHeader switch
    {
        PairCsvHeader.Present => true,
        PairCsvHeader.Absent => false,
        // A header names its columns: a known label-column name and two path columns that are not file names. A first
        // row that is merely malformed (a label such as "same" beside real paths) stays data and fails by name.
        _ => LabelColumnNames.Contains(cells[2].Trim()) && !Path.HasExtension(cells[0]) && !Path.HasExtension(cells[1]),
    };

    private static List<string> SplitCsvLine(string line, string csvPath, int row)
    {
        // RFC 4180 quoting, enough for paths that contain commas.
        var cells = new List<string>();
        var cell = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(ch);
                }
            }
            else if (ch == '"' && cell.Length == 0)
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                cells.Add(cell.ToString().Trim());
                cell.Clear();
            }
            else
            {
                cell.Append(ch);
            }
        }

        if (quoted)
        {
            throw new InvalidDataException($"{csvPath} row {row}: unterminated quoted field.");
        }

        cells.Add(cell.ToString().Trim());
        return cells;
    }

    private static string Truncate(string line) => line.Length <= 120 ? line : line[..117] + "...";
}
