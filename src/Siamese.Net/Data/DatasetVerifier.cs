using System.Collections.Concurrent;
using Siamese.Net.Imaging;
using static TorchSharp.torch;
using Siamese.Net.Datasets;

namespace Siamese.Net.Data;

/// <summary>
/// Fail fast: decodes every image of a data set before training, in parallel, and reports all the files that cannot
/// be used at once, instead of training failing hours in when a batch happens to draw a truncated or corrupt file.
/// </summary>
/// <remarks>
/// Each distinct path is read and fully decoded once by the configured decoder (for <see cref="StbImageDecoder"/>
/// with its integrity checks, and without building a tensor). Missing, unreadable, truncated, damaged and oversized
/// files are all collected. <c>Verify</c> throws one <see cref="InvalidDataException"/> whose message names every bad
/// file, one per line, and whose inner <see cref="AggregateException"/> holds each file's own exception;
/// <c>FindBadImages</c> returns the same list without throwing. Cancellation stops either with
/// <see cref="OperationCanceledException"/>. Thread-safe (no shared state).
/// </remarks>
public static class DatasetVerifier
{
    /// <summary>Checks every image of an image-folder data set.</summary>
    /// <param name="dataset">The data set.</param>
    /// <param name="options">Decoder and parallelism; defaults when null.</param>
    /// <param name="progress">Receives the number of images checked so far (at most about 200 reports, and the total at the end).</param>
    /// <param name="cancellationToken">Stops the check.</param>
    /// <returns>The number of distinct images checked (all good).</returns>
    /// <exception cref="InvalidDataException">One or more images cannot be used; the message lists all of them.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static int Verify(ImageFolderDataset dataset, DatasetVerifierOptions? options = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return Verify(dataset.Images.Select(i => i.Path), options, progress, cancellationToken);
    }

    /// <summary>Checks both images of every pair (each distinct file once).</summary>
    /// <param name="pairs">The pairs, e.g. from <see cref="PairCsv.Read"/>.</param>
    /// <param name="options">Decoder and parallelism; defaults when null.</param>
    /// <param name="progress">Receives the number of images checked so far.</param>
    /// <param name="cancellationToken">Stops the check.</param>
    /// <returns>The number of distinct images checked (all good).</returns>
    /// <exception cref="InvalidDataException">One or more images cannot be used; the message lists all of them.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static int Verify(IEnumerable<ImagePair> pairs, DatasetVerifierOptions? options = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        return Verify(PathsOf(pairs), options, progress, cancellationToken);
    }

    /// <summary>Checks a list of image files (duplicates are checked once).</summary>
    /// <param name="imagePaths">The image files.</param>
    /// <param name="options">Decoder and parallelism; defaults when null.</param>
    /// <param name="progress">Receives the number of images checked so far.</param>
    /// <param name="cancellationToken">Stops the check.</param>
    /// <returns>The number of distinct images checked (all good).</returns>
    /// <exception cref="InvalidDataException">One or more images cannot be used; the message lists all of them.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static int Verify(IEnumerable<string> imagePaths, DatasetVerifierOptions? options = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        var (bad, errors, count) = Run(imagePaths, options, progress, cancellationToken);
        if (bad.Count > 0)
        {
            var lines = bad.Select(b => "  " + (b.Reason.Contains(b.Path, StringComparison.Ordinal) ? b.Reason : $"{b.Path}: {b.Reason}"));
            throw new InvalidDataException(
                $"{bad.Count} of {count} images of the data set cannot be used; fix or remove them before training:" +
                Environment.NewLine + string.Join(Environment.NewLine, lines),
                new AggregateException(errors));
        }

        return count;
    }

    /// <summary>Like <c>Verify</c>, but returns the bad images (in ordinal path order; empty when all decode) instead of throwing.</summary>
    /// <param name="imagePaths">The image files.</param>
    /// <param name="options">Decoder and parallelism; defaults when null.</param>
    /// <param name="progress">Receives the number of images checked so far.</param>
    /// <param name="cancellationToken">Stops the check.</param>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static IReadOnlyList<BadImage> FindBadImages(IEnumerable<string> imagePaths, DatasetVerifierOptions? options = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default) =>
        Run(imagePaths, options, progress, cancellationToken).Bad;

    private static IEnumerable<string> PathsOf(IEnumerable<ImagePair> pairs) => pairs.SelectMany(p => new[] { p.First, p.Second });

    private static (IReadOnlyList<BadImage> Bad, Exception[] Errors, int Count) Run(IEnumerable<string> imagePaths, DatasetVerifierOptions? options, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(imagePaths);
        options ??= new DatasetVerifierOptions();
        var decoder = options.Decoder ?? StbImageDecoder.Default;
        var paths = imagePaths.Distinct(StringComparer.Ordinal).ToArray();
        var bad = new ConcurrentBag<(string Path, Exception Error)>();
        int done = 0;
        int step = Math.Max(1, paths.Length / 200);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = cancellationToken };
        Parallel.ForEach(paths, parallel, path =>
        {
            var problem = Check(path, decoder);
            if (problem is not null)
            {
                bad.Add((path, problem));
            }

            int count = Interlocked.Increment(ref done);
            if (progress is not null && (count % step == 0 || count == paths.Length))
            {
                progress.Report(count);
            }
        });

        var ordered = bad.OrderBy(b => b.Path, StringComparer.Ordinal).ToArray();
        return (ordered.Select(b => new BadImage(b.Path, b.Error.Message)).ToArray(), ordered.Select(b => b.Error).ToArray(), paths.Length);
    }

    /// <summary>Null when the file decodes, else what is wrong with it.</summary>
    private static Exception? Check(string path, IImageDecoder decoder)
    {
        try
        {
            var bytes = ImageFile.ReadBytes(path);
            if (decoder is StbImageDecoder stb)
            {
                stb.Verify(bytes, path);
            }
            else
            {
                using var scope = NewDisposeScope();
                using var decoded = decoder.Decode(bytes, ColorMode.Grayscale, path);
            }

            return null;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            // IOException covers FileNotFoundException and a file that cannot be read; ArgumentException a decoder's
            // complaint about the content (third-party decoders are not all disciplined about exception types).
            return e;
        }
    }
}
