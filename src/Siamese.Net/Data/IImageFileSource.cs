using Siamese.Net.Imaging;

namespace Siamese.Net.Data;

/// <summary>
/// A batch source that reads image files: it says which files and with which decoder, so the trainer can decode
/// every one of them before the first step (<see cref="Training.SiameseTrainerOptions.VerifyImages"/>) and report all
/// the bad ones at once, instead of failing hours in when a batch draws one.
/// </summary>
public interface IImageFileSource
{
    /// <summary>Every image file the source may read (duplicates allowed).</summary>
    IEnumerable<string> ImagePaths { get; }

    /// <summary>The decoder the source reads them with.</summary>
    IImageDecoder Decoder { get; }
}
