using System.Text.RegularExpressions;

namespace Siamese.Net.Training;

/// <summary>
/// Replaces a file all at once: the content goes to a temporary file in the same folder, is flushed to the disk, and
/// the temporary file is then renamed over the target. A crash at any point leaves either the old or the new file,
/// never a torn one.
/// </summary>
/// <remarks>
/// Temporary files are named <c>{target}.{32 hex digits}.partial</c>, so each belongs to one target and nothing else
/// matches. A process killed mid-write leaves its temporary behind; the next write to the same target removes every
/// such leftover that no live writer holds open (a writer keeps its temporary locked, so a concurrent save in another
/// process is never disturbed).
/// </remarks>
internal static partial class AtomicFile
{
    /// <summary>Suffix of the temporary files (a process killed mid-write can leave one behind).</summary>
    public const string TemporarySuffix = ".partial";

    /// <summary>Writes <paramref name="path"/> atomically with <paramref name="write"/>.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no folder.", nameof(path));
        Directory.CreateDirectory(folder);
        RemoveStaleTemporaries(full);
        var temporary = TemporaryName(full);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            // Rename within one folder is atomic on POSIX file systems and NTFS.
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/> atomically.</summary>
    public static void Copy(string source, string destination) =>
        Write(destination, stream =>
        {
            using var input = File.OpenRead(source);
            input.CopyTo(stream);
        });

    /// <summary>A fresh temporary name for <paramref name="fullPath"/>.</summary>
    internal static string TemporaryName(string fullPath) => $"{fullPath}.{Guid.NewGuid():N}{TemporarySuffix}";

    /// <summary>Whether <paramref name="candidate"/> is a temporary file of a write to <paramref name="fullPath"/>.</summary>
    internal static bool IsTemporaryOf(string candidate, string fullPath)
    {
        var name = Path.GetFileName(candidate);
        var target = Path.GetFileName(fullPath);
        return name.Length == target.Length + 1 + 32 + TemporarySuffix.Length
            && name.StartsWith(target + ".", StringComparison.Ordinal)
            && TemporaryTail().IsMatch(name.AsSpan(target.Length));
    }

    /// <summary>
    /// Deletes the leftovers of earlier writes to <paramref name="fullPath"/> that were killed before their rename. A
    /// temporary that a live writer still holds (FileShare.None: a lock on Windows, an advisory flock that .NET takes
    /// on Unix) cannot be opened exclusively and is left alone. Returns how many were removed.
    /// </summary>
    internal static int RemoveStaleTemporaries(string fullPath)
    {
        var folder = Path.GetDirectoryName(fullPath)!;
        int removed = 0;
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(folder, Path.GetFileName(fullPath) + ".*" + TemporarySuffix).ToList();
        }
        catch (IOException)
        {
            return 0;
        }

        foreach (var candidate in candidates)
        {
            if (!IsTemporaryOf(candidate, fullPath))
            {
                continue;
            }

            try
            {
                // Opening exclusively proves no writer holds it; DeleteOnClose removes it as the handle closes.
                using var stale = new FileStream(candidate, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
                removed++;
            }
            catch (IOException)
            {
                // In use by a live writer, or already gone.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours to delete.
            }
        }

        return removed;
    }

    [GeneratedRegex("^\\.[0-9a-f]{32}\\.partial$", RegexOptions.CultureInvariant)]
    private static partial Regex TemporaryTail();

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original exception matters more; a stray temporary file is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
