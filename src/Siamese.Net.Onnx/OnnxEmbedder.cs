using Microsoft.ML.OnnxRuntime;

namespace Siamese.Net.Onnx;

/// <summary>
/// Embeds images with an exported encoder on ONNX Runtime: managed decoding and preprocessing
/// (<see cref="OnnxImagePreprocessing"/>), then the ONNX graph in batches. No TorchSharp, no libtorch.
/// </summary>
/// <remarks>
/// Thread-safe: ONNX Runtime sessions accept concurrent <c>Run</c> calls. The execution provider is chosen by the
/// <see cref="SessionOptions"/> the factory returns (CPU when null); e.g. <c>() =&gt; SessionOptions.MakeSessionOptionWithCudaProvider()</c>
/// with the ONNX Runtime GPU package installed. Embeddings are returned row-major, one row of
/// <see cref="EmbeddingSize"/> floats per image.
/// </remarks>
public sealed class OnnxEmbedder : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly string _outputName;
    private int _disposed;

    /// <summary>Creates an embedder from ONNX model bytes.</summary>
    /// <param name="model">The ONNX model (input [batch, C, H, W], output [batch, D]).</param>
    /// <param name="preprocessing">The preprocessing its images need.</param>
    /// <param name="sessionOptionsFactory">
    /// Makes the session options (execution provider, threads); called once, the options are disposed after the session
    /// is created. Null for ONNX Runtime's CPU defaults.
    /// </param>
    /// <param name="batchSize">Images per ONNX Runtime call (default 64).</param>
    /// <exception cref="ArgumentException">The model's input does not match the preprocessing, or its output is not [batch, D].</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> below 1.</exception>
    public OnnxEmbedder(byte[] model, OnnxImagePreprocessing preprocessing, Func<SessionOptions>? sessionOptionsFactory = null, int batchSize = 64)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(preprocessing);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        preprocessing.Validate();
        Preprocessing = preprocessing;
        BatchSize = batchSize;
        var options = sessionOptionsFactory?.Invoke() ?? new SessionOptions();
        try
        {
            _session = new InferenceSession(model, options);
        }
        finally
        {
            options.Dispose();
        }

        try
        {
            var input = _session.InputMetadata.Single();
            var output = _session.OutputMetadata.Single();
            _inputName = input.Key;
            _outputName = output.Key;
            int[] dims = input.Value.Dimensions;
            int[] expected = [-1, preprocessing.Channels, preprocessing.Height, preprocessing.Width];
            if (dims.Length != 4 || Enumerable.Range(1, 3).Any(i => dims[i] > 0 && dims[i] != expected[i]))
            {
                throw new ArgumentException(
                    $"The model takes [{string.Join(", ", dims)}] but the preprocessing makes [N, {preprocessing.Channels}, {preprocessing.Height}, {preprocessing.Width}] images.", nameof(model));
            }

            int[] outDims = output.Value.Dimensions;
            if (outDims.Length != 2)
            {
                throw new ArgumentException($"The model's output has rank {outDims.Length}; an embedder returns [batch, D].", nameof(model));
            }

            EmbeddingSize = outDims[1] > 0 ? outDims[1] : Run(new float[preprocessing.ImageLength], 1).Length;
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <summary>The preprocessing applied to image files.</summary>
    public OnnxImagePreprocessing Preprocessing { get; }

    /// <summary>Images per ONNX Runtime call.</summary>
    public int BatchSize { get; }

    /// <summary>The embedding dimension D.</summary>
    public int EmbeddingSize { get; }

    /// <summary>Decodes, preprocesses and embeds image files.</summary>
    /// <param name="imagePaths">The image files (PNG, JPEG, BMP, PGM).</param>
    /// <returns>imagePaths.Count rows of <see cref="EmbeddingSize"/> floats, row-major.</returns>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is not a decodable image.</exception>
    public float[] Embed(IReadOnlyList<string> imagePaths)
    {
        ArgumentNullException.ThrowIfNull(imagePaths);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        int length = Preprocessing.ImageLength;
        var result = new float[imagePaths.Count * EmbeddingSize];
        for (int start = 0; start < imagePaths.Count; start += BatchSize)
        {
            int count = Math.Min(BatchSize, imagePaths.Count - start);
            var batch = new float[count * length];
            for (int i = 0; i < count; i++)
            {
                Preprocessing.Load(imagePaths[start + i]).CopyTo(batch, i * length);
            }

            Run(batch, count).CopyTo(result, start * EmbeddingSize);
        }

        return result;
    }

    /// <summary>Embeds images that are already preprocessed.</summary>
    /// <param name="images">Row-major [N, Channels, Height, Width] floats (N whole images).</param>
    /// <returns>N rows of <see cref="EmbeddingSize"/> floats.</returns>
    /// <exception cref="ArgumentException">The length is not a multiple of one image's.</exception>
    public float[] Embed(float[] images)
    {
        ArgumentNullException.ThrowIfNull(images);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        int length = Preprocessing.ImageLength;
        if (images.Length % length != 0)
        {
            throw new ArgumentException(
                $"{images.Length} values are not whole [{Preprocessing.Channels}, {Preprocessing.Height}, {Preprocessing.Width}] images ({length} values each).", nameof(images));
        }

        int n = images.Length / length;
        var result = new float[n * EmbeddingSize];
        for (int start = 0; start < n; start += BatchSize)
        {
            int count = Math.Min(BatchSize, n - start);
            var batch = count == n ? images : images.AsSpan(start * length, count * length).ToArray();
            Run(batch, count).CopyTo(result, start * EmbeddingSize);
        }

        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _session.Dispose();
        }
    }

    private float[] Run(float[] batch, int count)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(batch, [count, Preprocessing.Channels, Preprocessing.Height, Preprocessing.Width]);
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, [_inputName], [input], [_outputName]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
