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
        if (!allowOutsideRoot)
        {
            if (!IsUnder(root, full))
            {
                throw new InvalidDataException(
                    $"{where}: the path '{relative}' resolves to {full}, outside the dataset root {root}; such paths are rejected unless AllowPathsOutsideRoot is set.");
            }

            // Text comparison is not enough: a symbolic link inside the root (link -> /etc) keeps the text under the
            // root while the file is elsewhere. Compare the real locations, links and '..' resolved.
            var realRoot = RealPath(root);
            var real = RealPath(Path.Combine(root, normalised));
            if (!IsUnder(realRoot, real))
            {
                throw new InvalidDataException(
                    $"{where}: the path '{relative}' leads through a symbolic link to {real}, outside the dataset root {realRoot}; such paths are rejected unless AllowPathsOutsideRoot is set.");
            }
        }

        return full;
    }

    /// <summary>
    /// The location a path really names, as the operating system resolves it: each component in turn, a symbolic link
    /// (folder or file) replaced by its target, and '..' taken from the real folder reached so far (so
    /// <c>link/..</c> is the parent of the link's target, not the folder holding the link). The part of the path that
    /// does not exist is kept as text.
    /// </summary>
    public static string RealPath(string path)
    {
        const int MaxLinks = 40; // as Linux's ELOOP limit
        int links = 0;
        var pending = new Stack<string>();
        string current = PushComponents(Path.IsPathRooted(path) ? path : Path.Combine(Directory.GetCurrentDirectory(), path), pending);
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }

            var next = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            string? target = info.Exists ? info.LinkTarget : null;
            if (target is null)
            {
                current = next;
                continue;
            }

            if (++links > MaxLinks)
            {
                throw new IOException($"Too many levels of symbolic links resolving {path}.");
            }

            // A relative target is relative to the link's folder: continue from there with the target's components.
            if (Path.IsPathRooted(target))
            {
                current = PushComponents(target, pending);
            }
            else
            {
                PushComponents(target, pending);
            }
        }

        return Path.TrimEndingDirectorySeparator(current);
    }

    /// <summary>Pushes the components of <paramref name="path"/> so the first pops first; returns its root.</summary>
    private static string PushComponents(string path, Stack<string> pending)
    {
        var root = Path.GetPathRoot(path) ?? string.Empty;
        var parts = path.Substring(root.Length).Split(['/', Path.DirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
        for (int i = parts.Length - 1; i >= 0; i--)
        {
            pending.Push(parts[i]);
        }

        return root;
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
