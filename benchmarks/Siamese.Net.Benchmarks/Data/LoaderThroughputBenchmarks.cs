using BenchmarkDotNet.Attributes;
using Siamese.Net.Data;
using Siamese.Net.Imaging;

namespace Siamese.Net.Benchmarks.Data;

/// <summary>
/// Images per second the data pipeline delivers: decode from disk (no cache), resize to 105x105 grey, Koch affine
/// augmentation with every component on, batched as SigNet/Koch training consumes it (32 pairs = 64 images per batch),
/// through <see cref="BatchLoader{TBatch}"/> with 1 and 2 worker threads. One operation = one image, so the reported
/// mean is seconds per image; images/s = 1 / mean.
/// </summary>
/// <remarks>
/// Reads Omniglot's background set from ../shared/datasets when present (real 1-bit 105x105 PNGs; or from
/// <c>SIAMESE_NET_DATASETS</c>); otherwise writes synthetic 105x105 8-bit noise PNGs to a temp folder, which compress
/// worse and so decode more slowly than real drawings.
/// <para>Runs in process: BenchmarkDotNet's generated child project does not get the build-time libLibTorchSharp.so
/// fix that the real project applies, so TorchSharp cannot load there.</para>
/// </remarks>
[InProcess]
[WarmupCount(2)]
[IterationCount(8)]
public class LoaderThroughputBenchmarks
{
    private const int PairsPerEpoch = 128;
    private const int ImagesPerEpoch = PairsPerEpoch * 2;

    private string? _tempFolder;
    private BatchLoader<LabelledBatch> _loader = null!;
    private int _epoch;
    private long _imagesRead;
    private TimeSpan _cpuAtSetup;

    /// <summary>Background worker threads of the loader.</summary>
    [Params(1, 2)]
    public int Workers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var dataset = OmniglotOrSynthetic();
        var images = new ImageStore(new ImagePreprocessing { Width = 105, Height = 105 });
        var options = new BatchOptions
        {
            BatchSize = 32,
            Seed = 1,
            Augmentation = ImageAugmentation.Koch with { ComponentProbability = 1 },
        };
        var source = new BalancedPairSource(dataset, images, options, PairsPerEpoch);
        _loader = new BatchLoader<LabelledBatch>(source, new BatchLoaderOptions { WorkerCount = Workers, PrefetchBatches = 4 });
        _cpuAtSetup = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
    }

    /// <summary>One epoch of 4 batches (256 images); a new epoch each time so nothing repeats.</summary>
    [Benchmark(OperationsPerInvoke = ImagesPerEpoch, Description = "decode+resize+augment, per image")]
    public long ReadEpoch()
    {
        long pairs = 0;
        foreach (var batch in _loader.ReadEpoch(_epoch++))
        {
            pairs += batch.Count;
            batch.Dispose();
        }

        _imagesRead += 2 * pairs;
        return pairs;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        // Wall-clock figures swing when other processes share the cores; CPU time per image does not, and bounds
        // the throughput of an idle machine (images/s <= cores / CPU time per image).
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - _cpuAtSetup;
        if (_imagesRead > 0)
        {
            Console.WriteLine($"// cpu per image (Workers={Workers}): {cpu.TotalMicroseconds / _imagesRead:F1} us over {_imagesRead} images");
        }

        if (_tempFolder is not null)
        {
            Directory.Delete(_tempFolder, recursive: true);
        }
    }

    private ImageFolderDataset OmniglotOrSynthetic()
    {
        var overridden = Environment.GetEnvironmentVariable("SIAMESE_NET_DATASETS");
        if (!string.IsNullOrEmpty(overridden) && Directory.Exists(Path.Combine(overridden, "omniglot", "images_background")))
        {
            var path = Path.Combine(overridden, "omniglot", "images_background");
            Console.WriteLine($"// data: Omniglot background set at {path}");
            return ImageFolderDataset.Load(path, new ImageFolderOptions { ClassDepth = 2 });
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var omniglot = Path.Combine(dir.FullName, "..", "shared", "datasets", "omniglot", "images_background");
            if (File.Exists(Path.Combine(dir.FullName, "Siamese.Net.sln")) && Directory.Exists(omniglot))
            {
                Console.WriteLine($"// data: Omniglot background set at {Path.GetFullPath(omniglot)}");
                return ImageFolderDataset.Load(omniglot, new ImageFolderOptions { ClassDepth = 2 });
            }
        }

        _tempFolder = Path.Combine(Path.GetTempPath(), "siamese-net-bench-" + Guid.NewGuid().ToString("N"));
        Console.WriteLine($"// data: synthetic 105x105 PNGs in {_tempFolder}");
        var writer = new StbImageWriteSharp.ImageWriter();
        var random = new Random(1);
        var pixels = new byte[105 * 105];
        for (int c = 0; c < 40; c++)
        {
            var folder = Directory.CreateDirectory(Path.Combine(_tempFolder, $"c{c:D2}")).FullName;
            for (int i = 0; i < 20; i++)
            {
                random.NextBytes(pixels);
                using var file = File.Create(Path.Combine(folder, $"{i:D2}.png"));
                writer.WritePng(pixels, 105, 105, StbImageWriteSharp.ColorComponents.Grey, file);
            }
        }

        return ImageFolderDataset.Load(_tempFolder);
    }
}
