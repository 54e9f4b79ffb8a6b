using Siamese.Net.Onnx.Bundle;
using Siamese.Net.Search;

namespace Siamese.Net.Onnx;

/// <summary>
/// A deployed one-shot classifier: loads a <c>.siamese-onnx</c> bundle, embeds queries with ONNX Runtime and answers
/// the nearest enrolled class, or unknown when its distance exceeds the threshold — without TorchSharp or libtorch.
/// </summary>
/// <remarks>
/// <para>The search goes through <see cref="ISupportIndex"/> (the managed <see cref="ExactSupportIndex"/> unless
/// <see cref="OnnxClassifierOptions.IndexFactory"/> gives another) and the decision through
/// <see cref="OpenSetDecision.Decide"/>, the same code the TorchSharp classifier uses, so both answer alike.</para>
/// <para>Thread-safe: predictions may run concurrently with each other and with enrolment; <see cref="Dispose"/> must not
/// race them. <code>
/// using var classifier = OnnxOneShotClassifier.Load("faces.siamese-onnx");
/// classifier.AddClass("alice", ["alice.pgm"]);
/// var p = classifier.Predict("visitor.pgm");   // p.Label is null when unknown
/// </code></para>
/// </remarks>
public sealed class OnnxOneShotClassifier : IDisposable
{
    private readonly BundleManifest _manifest;
    private readonly byte[] _model;
    private readonly ISupportIndex _index;
    private readonly object _thresholdLock = new();
    private double? _threshold;
    private int _disposed;

    private OnnxOneShotClassifier(BundleReader.Contents contents, OnnxClassifierOptions options)
    {
        _manifest = contents.Manifest;
        _model = contents.Model;
        Metric = contents.Metric;
        Aggregation = contents.Aggregation;
        TopK = contents.Manifest.TopK;
        _threshold = contents.Manifest.Threshold;
        Embedder = new OnnxEmbedder(contents.Model, contents.Preprocessing, options.SessionOptionsFactory, options.BatchSize);
        try
        {
            if (Embedder.EmbeddingSize != contents.Manifest.Model.EmbeddingSize)
            {
                throw new InvalidDataException(
                    $"The bundle's model returns {Embedder.EmbeddingSize}-dimensional embeddings; its manifest says {contents.Manifest.Model.EmbeddingSize}.");
            }

            int dimension = Embedder.EmbeddingSize;
            _index = options.IndexFactory?.Invoke(Metric, Aggregation, dimension)
                ?? new ExactSupportIndex(Metric, Aggregation, dimension);
            if (_index.Metric.Name != Metric.Name || _index.Aggregation != Aggregation)
            {
                throw new ArgumentException(
                    $"The index factory made an index with metric '{_index.Metric.Name}' and aggregation {_index.Aggregation}; the bundle needs '{Metric.Name}' and {Aggregation}.",
                    nameof(options));
            }

            if (contents.Labels.Length > 0)
            {
                _index.Add(contents.Labels, contents.Embeddings);
            }
        }
        catch
        {
            Embedder.Dispose();
            _index?.Dispose();
            throw;
        }
    }

    /// <summary>The embedder (ONNX Runtime session and managed preprocessing).</summary>
    public OnnxEmbedder Embedder { get; }

    /// <summary>The preprocessing every image goes through.</summary>
    public OnnxImagePreprocessing Preprocessing => Embedder.Preprocessing;

    /// <summary>The vector metric of the search (from the bundle).</summary>
    public VectorMetric Metric { get; }

    /// <summary>How the K shots of a class are combined (from the bundle).</summary>
    public KShotAggregation Aggregation { get; }

    /// <summary>How many candidate classes a prediction lists (from the bundle).</summary>
    public int TopK { get; }

    /// <summary>The embedding dimension.</summary>
    public int EmbeddingSize => Embedder.EmbeddingSize;

    /// <summary>The enrolled classes in enrolment order.</summary>
    public IReadOnlyList<string> Classes => _index.Classes;

    /// <summary>
    /// The distance above which a query is unknown (its <see cref="OneShotPrediction.Label"/> is null); null to always
    /// answer the nearest class. Starts at the bundle's calibrated value.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not finite.</exception>
    public double? Threshold
    {
        get
        {
            lock (_thresholdLock)
            {
                return _threshold;
            }
        }

        set
        {
            OpenSetDecision.CheckThreshold(value, nameof(Threshold));
            lock (_thresholdLock)
            {
                _threshold = value;
            }
        }
    }

    /// <summary>Loads and verifies a bundle written by <c>OnnxBundle.Write</c> or <see cref="Save"/>.</summary>
    /// <param name="path">The bundle file.</param>
    /// <param name="options">Execution provider, index and batch size; defaults when null.</param>
    /// <returns>The classifier, with the bundle's support set enrolled.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is not a bundle, is of a newer format version, or an entry fails its checksum (the message names the
    /// file and the entry).
    /// </exception>
    public static OnnxOneShotClassifier Load(string path, OnnxClassifierOptions? options = null) =>
        new(BundleReader.Read(path), options ?? new OnnxClassifierOptions());

    /// <summary>Enrols a class from image files (or adds shots to an enrolled class).</summary>
    /// <param name="label">The class label.</param>
    /// <param name="imagePaths">At least one support image.</param>
    /// <exception cref="ArgumentException">An empty label or no images.</exception>
    public void AddClass(string label, IReadOnlyList<string> imagePaths)
    {
        ArgumentException.ThrowIfNullOrEmpty(label);
        ArgumentNullException.ThrowIfNull(imagePaths);
        if (imagePaths.Count == 0)
        {
            throw new ArgumentException($"Class '{label}' has no images; give at least one support image.", nameof(imagePaths));
        }

        AddClassEmbeddings(label, Embed(imagePaths));
    }

    /// <summary>Enrols a class from embeddings made by this model.</summary>
    /// <param name="label">The class label.</param>
    /// <param name="embeddings">One or more rows of <see cref="EmbeddingSize"/> floats.</param>
    /// <exception cref="ArgumentException">An empty label, or not whole rows.</exception>
    public void AddClassEmbeddings(string label, ReadOnlySpan<float> embeddings)
    {
        ArgumentException.ThrowIfNullOrEmpty(label);
        ThrowIfDisposed();
        if (embeddings.Length == 0 || embeddings.Length % EmbeddingSize != 0)
        {
            throw new ArgumentException($"{embeddings.Length} values are not one or more whole {EmbeddingSize}-dimensional embeddings.", nameof(embeddings));
        }

        _index.Add(Enumerable.Repeat(label, embeddings.Length / EmbeddingSize).ToArray(), embeddings);
    }

    /// <summary>Removes a class and all its shots.</summary>
    /// <param name="label">The class label.</param>
    /// <returns>True when the class was enrolled.</returns>
    public bool RemoveClass(string label)
    {
        ThrowIfDisposed();
        return _index.Remove(label);
    }

    /// <summary>The enrolled embeddings of a class, row-major.</summary>
    /// <param name="label">The class label.</param>
    /// <exception cref="KeyNotFoundException">The class is not enrolled.</exception>
    public float[] GetClassEmbeddings(string label)
    {
        ThrowIfDisposed();
        return _index.GetVectors(label);
    }

    /// <summary>Classifies one image file.</summary>
    /// <param name="imagePath">The image.</param>
    /// <returns>The nearest class (or unknown), its distance and the top-k candidates.</returns>
    /// <exception cref="InvalidOperationException">No class is enrolled.</exception>
    public OneShotPrediction Predict(string imagePath) => PredictBatch([imagePath])[0];

    /// <summary>Classifies image files, embedding them in batches.</summary>
    /// <param name="imagePaths">The images.</param>
    /// <returns>One prediction per image, in order.</returns>
    /// <exception cref="InvalidOperationException">No class is enrolled.</exception>
    public IReadOnlyList<OneShotPrediction> PredictBatch(IReadOnlyList<string> imagePaths)
    {
        ArgumentNullException.ThrowIfNull(imagePaths);
        if (imagePaths.Count == 0)
        {
            return [];
        }

        return PredictEmbeddings(Embed(imagePaths));
    }

    /// <summary>Classifies embeddings made by this model.</summary>
    /// <param name="embeddings">Rows of <see cref="EmbeddingSize"/> floats.</param>
    /// <returns>One prediction per row.</returns>
    /// <exception cref="InvalidOperationException">No class is enrolled.</exception>
    public IReadOnlyList<OneShotPrediction> PredictEmbeddings(ReadOnlySpan<float> embeddings)
    {
        ThrowIfDisposed();
        double? threshold = Threshold;
        var candidates = _index.Search(embeddings, TopK);
        var predictions = new OneShotPrediction[candidates.Length];
        for (int i = 0; i < candidates.Length; i++)
        {
            predictions[i] = OpenSetDecision.Decide(candidates[i], threshold, Metric);
        }

        return predictions;
    }

    /// <summary>
    /// Writes the bundle again with the current support set and threshold (same model, preprocessing, metric, top-k),
    /// atomically. Saving over the file this classifier was loaded from is allowed.
    /// </summary>
    /// <param name="path">The file to write, conventionally ending in <c>.siamese-onnx</c>.</param>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ThrowIfDisposed();
        var labels = new List<string>();
        var vectors = new List<float>();
        foreach (var label in _index.Classes)
        {
            float[] rows;
            try
            {
                rows = _index.GetVectors(label);
            }
            catch (KeyNotFoundException)
            {
                // Removed by another thread since Classes was read: it is not part of the support set any more.
                continue;
            }

            labels.AddRange(Enumerable.Repeat(label, rows.Length / EmbeddingSize));
            vectors.AddRange(rows);
        }

        var manifest = new BundleManifest
        {
            CreatedBy = "Siamese.Net.Onnx " + (typeof(OnnxOneShotClassifier).Assembly.GetName().Version?.ToString() ?? "0"),
            Model = _manifest.Model,
            Preprocessing = _manifest.Preprocessing,
            Metric = Metric.Name,
            Threshold = Threshold,
            TopK = TopK,
            Aggregation = Aggregation.ToString(),
        };
        BundleWriter.Write(path, _model, manifest, labels, vectors.ToArray());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Embedder.Dispose();
            _index.Dispose();
        }
    }

    private float[] Embed(IReadOnlyList<string> imagePaths)
    {
        ThrowIfDisposed();
        return Embedder.Embed(imagePaths);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed != 0, this);
}
