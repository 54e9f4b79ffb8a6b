namespace Siamese.Net.Data;

/// <summary>Resolves dataset-relative paths, refusing escapes from the root and explaining case mismatches.</summary>
internal static class DatasetPaths
{
    public static string NormaliseRoot(string root, string parameterName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root, parameterName);
        var full = Path.GetFullPath(root);
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"Dataset root folder not found: {full}");
        }

        return Path.TrimEndingDirectorySeparator(full);
    }

    /// <summary>Resolves <paramref name="relative"/> under <paramref name="root"/>; <paramref name="where"/> prefixes messages.</summary>
    public static string Resolve(string root, string relative, bool allowOutsideRoot, string where)
    {
        if (string.IsNullOrWhiteSpace(relative))
        {
            throw new InvalidDataException($"{where}: the image path is empty.");
        }

        var normalised = relative.Trim().Replace('\\', '/');
        var full = Path.GetFullPath(Path.Combine(root, normalised));
        if (!allowOutsideRoot && !IsUnder(root, full))
        {
            throw new InvalidDataException(
                $"{where}: the path '{relative}' resolves to {full}, outside the dataset root {root}; such paths are rejected unless AllowPathsOutsideRoot is set.");
        }

        return full;
    }

    public static void RequireFile(string fullPath, string where)
    {
        if (File.Exists(fullPath))
        {
            return;
        }

        var caseMatch = FindCaseInsensitive(fullPath);
        if (caseMatch is not null)
        {
            throw new FileNotFoundException(
                $"{where}: image file not found: {fullPath}. A file whose name differs only in letter case exists: {caseMatch}. File names are case-sensitive on this system; fix the path's case.",
                fullPath);
        }

        throw new FileNotFoundException($"{where}: image file not found: {fullPath}", fullPath);
    }

    public static bool IsUnder(string root, string full)
    {
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return full.StartsWith(root + Path.DirectorySeparatorChar, comparison)
            || (root.EndsWith(Path.DirectorySeparatorChar) && full.StartsWith(root, comparison));
    }

    private static string? FindCaseInsensitive(string fullPath)
    {
        var root = Path.GetPathRoot(fullPath);
        if (root is null)
        {
            return null;
        }

        var current = root;
        var parts = fullPath.Substring(root.Length).Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < parts.Length; i++)
        {
            bool last = i == parts.Length - 1;
            var exact = Path.Combine(current, parts[i]);
            if (last ? File.Exists(exact) : Directory.Exists(exact))
            {
                current = exact;
                continue;
            }

            if (!Directory.Exists(current))
            {
                return null;
            }

            var candidates = last ? Directory.EnumerateFiles(current) : Directory.EnumerateDirectories(current);
            var match = candidates.FirstOrDefault(c => string.Equals(Path.GetFileName(c), parts[i], StringComparison.OrdinalIgnoreCase));
            if (match is null)
            {
                return null;
            }

            current = match;
        }

        return current;
    }
}
