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
}
