using Siamese.Net.Data;
using Siamese.Net.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Net.Tests.Data;

public abstract class SourceTestBase : IDisposable
{
    protected SourceTestBase() => Dir = new TempDirectory();

    protected TempDirectory Dir { get; }

    public void Dispose()
    {
        Dir.Dispose();
        GC.SuppressFinalize(this);
    }

    protected ImageFolderDataset Folders(int[] imagesPerClass, bool mixedSizes = false)
    {
        TestDatasets.WriteFolders(Dir.Path, imagesPerClass, mixedSizes: mixedSizes);
        return ImageFolderDataset.Load(Dir.Path);
    }

    protected static ImageStore Store(bool cache = false) => new(TestDatasets.Small, cacheInMemory: cache);

    /// <summary>(class, index) of each image of a batch [N, 1, H, W] of flat test images.</summary>
    protected static (int Class, int Index)[] Identify(Tensor batch)
    {
        using var means = batch.mean(new long[] { 1, 2, 3 });
        return means.data<float>().ToArray().Select(TestDatasets.Identify).ToArray();
    }
}
