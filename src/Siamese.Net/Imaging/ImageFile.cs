using static TorchSharp.torch;

namespace Siamese.Net.Imaging;

/// <summary>Reads image files with errors that name the file.</summary>
internal static class ImageFile
{
    public static byte[] ReadBytes(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (FileNotFoundException ex)
        {
            throw new FileNotFoundException($"Image file not found: {path}", path, ex);
        }
        catch (DirectoryNotFoundException ex)
        {
            throw new FileNotFoundException($"Image file not found (its folder does not exist): {path}", path, ex);
        }
    }

    public static Tensor Decode(string path, IImageDecoder decoder, ColorMode colorMode) =>
        decoder.Decode(ReadBytes(path), colorMode, path);

    /// <summary>
    /// Decodes for <paramref name="preprocessing"/>: with the built-in decoder, an image much larger than the output
    /// is shrunk while it is converted (see <see cref="StbImageDecoder.DecodeForTarget"/>).
    /// </summary>
    public static Tensor Decode(string path, IImageDecoder decoder, ImagePreprocessing preprocessing) =>
        decoder is StbImageDecoder stb
            ? stb.DecodeForTarget(ReadBytes(path), preprocessing.ColorMode, path, preprocessing.Width, preprocessing.Height, preprocessing.ResizeMode == ResizeMode.MinPool)
            : decoder.Decode(ReadBytes(path), preprocessing.ColorMode, path);
}
