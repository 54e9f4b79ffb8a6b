using System.Text;
using Siamese.Net.IO;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Siamese.Net.Training;

/// <summary>
/// A training checkpoint written by <see cref="SiameseTrainer"/>: the weights of the network and of the loss, the
/// optimizer state, every callback's state (early stopping, learning-rate schedule, ...), torch's random generator state, the position in training (epoch and
/// step) and the history so far. Pass its path as <see cref="SiameseTrainerOptions.ResumeFrom"/> to continue, or
/// use <see cref="LoadWeights"/> to load the trained weights for inference.
/// </summary>
/// <remarks>
/// <para>The file is TorchSharp-specific (module and optimizer states in TorchSharp's binary format after a JSON
/// header); it is written atomically, so a crash during a save leaves the previous checkpoint intact.</para>
/// <para>Format 2 stores three sections (header, weights, optimizer state with the random generator), each with its
/// length and SHA-256 checksum. A section is verified before any of it is parsed, so a damaged file (a flipped bit, a
/// torn copy) throws <see cref="InvalidDataException"/> naming the file and the damaged section and never loads
/// different weights, and the caller's modules are not touched. <see cref="Read"/> verifies the header,
/// <see cref="LoadWeights"/> the header and the weights, resuming all three; <see cref="Verify"/> checks a whole
/// file. Format 1 files (written before checksums existed) still load, unverified.</para>
/// </remarks>
public sealed record TrainingCheckpoint
{
    private const string Magic = "Siamese.Net.TrainingCheckpoint";
    private const string EndMarker = "end-of-checkpoint";
    private const int CurrentFormat = 2;
    private const int LegacyFormat = 1;
    private const int SectionCount = 3;
    private static readonly string[] SectionNames = ["header", "weights", "optimizer state"];

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The epoch in progress (0-based): training continues with step <see cref="Step"/> of this epoch.</summary>
    public required int Epoch { get; init; }

    /// <summary>Steps of <see cref="Epoch"/> already done (0 when the checkpoint was written at an epoch boundary).</summary>
    public required int Step { get; init; }

    /// <summary>Optimizer steps done since the start of training.</summary>
    public required long GlobalStep { get; init; }

    /// <summary>The training seed (<see cref="SiameseTrainerOptions.Seed"/>) of the run.</summary>
    public required int Seed { get; init; }

    /// <summary>The type name of the optimizer whose state the checkpoint holds.</summary>
    public required string Optimizer { get; init; }

    /// <summary>The initial learning rate of each optimizer parameter group (a resume must use the same).</summary>
    public IReadOnlyList<double> InitialLearningRates { get; init; } = [];

    /// <summary>History of the finished epochs.</summary>
    public required IReadOnlyList<EpochRecord> History { get; init; }

    /// <summary>The best epoch so far, if any.</summary>
    public int? BestEpoch { get; init; }

    /// <summary>The monitored metric's value at <see cref="BestEpoch"/>.</summary>
    public double? BestMetric { get; init; }

    /// <summary>Whether training had ended (all epochs done or stopped early) when the checkpoint was written.</summary>
    public bool Finished { get; init; }

    /// <summary>Whether early stopping ended the run.</summary>
    public bool StoppedEarly { get; init; }

    /// <summary>When the checkpoint was written (UTC).</summary>
    public DateTimeOffset SavedAt { get; init; }

    /// <summary>The CLR types of the saved modules, network first; checked when loading.</summary>
    public required IReadOnlyList<string> ModuleTypes { get; init; }

    /// <summary>The saved state of each callback, by <see cref="ITrainerCallback.Name"/> (JSON text).</summary>
    [JsonInclude]
    internal Dictionary<string, string> CallbackStates { get; init; } = [];

    /// <summary>Sum of per-sample losses of the steps done in <see cref="Epoch"/>.</summary>
    [JsonInclude]
    internal double PartialLossSum { get; init; }

    /// <summary>Samples seen in the steps done in <see cref="Epoch"/>.</summary>
    [JsonInclude]
    internal long PartialSamples { get; init; }

    /// <summary>Format version of the file.</summary>
    [JsonInclude]
    internal int Format { get; init; } = CurrentFormat;

    /// <summary>Reads the header of a checkpoint (epoch, step, history) without loading any tensor.</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <exception cref="InvalidDataException">The file is not a Siamese.Net checkpoint, or its header is damaged.</exception>
    public static TrainingCheckpoint Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var file = new CheckpointFile(path, sectionsToVerify: 1);
        return file.Header;
    }

    /// <summary>
    /// Checks a whole checkpoint: its structure and the checksums of all sections, without loading any tensor into a
    /// module. Use it before copying or trusting a checkpoint.
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    /// <exception cref="InvalidDataException">The file is not a checkpoint, or a section is damaged (named in the message).</exception>
    public static void Verify(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var file = new CheckpointFile(path, sectionsToVerify: SectionCount);
    }

    /// <summary>
    /// Loads the trained weights of a checkpoint into a network (and, for a loss with parameters such as a BCE head,
    /// into the loss), e.g. to use the best epoch for inference. The header and weights are verified first.
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="network">The network, built with the same architecture as when training.</param>
    /// <param name="loss">The loss module used for training; needed only when it has parameters.</param>
    /// <exception cref="InvalidDataException">The file is not a checkpoint, is damaged, or does not match the modules.</exception>
    public static void LoadWeights(string path, nn.Module network, nn.Module? loss = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(network);
        using var file = new CheckpointFile(path, sectionsToVerify: 2);
        var modules = loss is null ? new[] { network } : new[] { network, loss };
        file.SeekToSection(1);
        ReadModules(file.Reader, file.Header, modules, path, allowFewer: loss is null);
        if (!file.IsLegacy && loss is not null)
        {
            file.RequireSectionEnd(1);
        }
    }

    /// <summary>Writes a checkpoint atomically, each section with its length and checksum.</summary>
    internal static void Write(string path, TrainingCheckpoint header, IReadOnlyList<nn.Module> modules, OptimizerHelper optimizer, byte[] rngState) =>
        AtomicFile.Write(path, stream =>
        {
            using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(Magic);
                writer.Write(CurrentFormat);
            }

            WriteSection(stream, w => w.Write(JsonSerializer.SerializeToUtf8Bytes(header with { Format = CurrentFormat }, JsonOptions)));
            WriteSection(stream, w =>
            {
                w.Write(modules.Count);
                foreach (var module in modules)
                {
                    module.save(w);
                }
            });
            WriteSection(stream, w =>
            {
                optimizer.save_state_dict(w);
                w.Write(rngState.Length);
                w.Write(rngState);
            });
            using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(EndMarker);
            }
        });

    /// <summary>Reads a whole checkpoint into the modules and optimizer; returns the header and the RNG state.</summary>
    internal static (TrainingCheckpoint Header, byte[] RngState) ReadInto(string path, IReadOnlyList<nn.Module> modules, OptimizerHelper optimizer)
    {
        using var file = new CheckpointFile(path, sectionsToVerify: SectionCount);
        var header = file.Header;
        file.SeekToSection(1);
        ReadModules(file.Reader, header, modules, path, allowFewer: false);
        file.RequireSectionEnd(1);
        file.SeekToSection(2);
        var reader = file.Reader;
        try
        {
            optimizer.load_state_dict(reader);
            int length = reader.ReadInt32();
            var rng = reader.ReadBytes(length);
            if (rng.Length != length || (file.IsLegacy && reader.ReadString() != EndMarker))
            {
                throw new InvalidDataException($"Checkpoint '{path}' is truncated.");
            }

            file.RequireSectionEnd(2);
            return (header, rng);
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException)
        {
            throw new InvalidDataException($"Checkpoint '{path}' does not match the optimizer ({optimizer.GetType().Name}) or is truncated: {e.Message}", e);
        }
    }

    private static void WriteSection(Stream stream, Action<BinaryWriter> write)
    {
        // Length first (patched once known), then the content through a checksumming pass-through, then the checksum.
        long lengthAt = stream.Position;
        stream.Write(new byte[sizeof(long)]);
        byte[] checksum;
        long length;
        using (var hashing = new ChecksumWriteStream(stream))
        {
            using (var writer = new BinaryWriter(hashing, Encoding.UTF8, leaveOpen: true))
            {
                write(writer);
                writer.Flush();
            }

            length = hashing.BytesWritten;
            checksum = hashing.Finish();
        }

        long end = stream.Position;
        stream.Position = lengthAt;
        Span<byte> lengthBytes = stackalloc byte[sizeof(long)];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(lengthBytes, length);
        stream.Write(lengthBytes);
        stream.Position = end;
        stream.Write(checksum);
    }

    private static TrainingCheckpoint ParseHeader(string json, string path)
    {
        try
        {
            return JsonSerializer.Deserialize<TrainingCheckpoint>(json, JsonOptions)
                   ?? throw new InvalidDataException($"Checkpoint '{path}' has an empty header.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not a readable Siamese.Net training checkpoint: {e.Message}", e);
        }
    }

    private static void ReadModules(BinaryReader reader, TrainingCheckpoint header, IReadOnlyList<nn.Module> modules, string path, bool allowFewer)
    {
        int count;
        try
        {
            count = reader.ReadInt32();
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"Checkpoint '{path}' is truncated: {e.Message}", e);
        }

        if (count != header.ModuleTypes.Count || count < modules.Count || (!allowFewer && count != modules.Count))
        {
            throw new InvalidDataException(
                $"Checkpoint '{path}' holds {count} modules ({string.Join(", ", header.ModuleTypes)}) but {modules.Count} were given.");
        }

        for (int i = 0; i < modules.Count; i++)
        {
            var expected = header.ModuleTypes[i];
            var actual = MixedPrecisionNetwork.CheckpointTypeName(modules[i]);
            if (expected != actual)
            {
                throw new InvalidDataException($"Checkpoint '{path}' module {i} is a {expected}, not a {actual}.");
            }
        }

        for (int i = 0; i < modules.Count; i++)
        {
            try
            {
                modules[i].load(reader, strict: true);
            }
            catch (Exception e) when (e is ArgumentException or EndOfStreamException or InvalidOperationException)
            {
                throw new InvalidDataException($"Checkpoint '{path}' module {i} ({header.ModuleTypes[i]}) does not match the given module: {e.Message}", e);
            }
        }
    }

    /// <summary>
    /// An open checkpoint: magic and format checked, the section table read and the first sections verified against
    /// their checksums before anything is parsed from them.
    /// </summary>
    private sealed class CheckpointFile : IDisposable
    {
        private readonly string _path;
        private readonly long[] _offsets = new long[SectionCount];
        private readonly long[] _lengths = new long[SectionCount];

        public CheckpointFile(string path, int sectionsToVerify)
        {
            _path = path;
            var stream = File.OpenRead(path);
            Reader = new BinaryReader(stream, Encoding.UTF8);
            try
            {
                int format = ReadPreamble();
                IsLegacy = format == LegacyFormat;
                if (IsLegacy)
                {
                    // Format 1: header string, then modules, then optimizer state; no checksums to verify.
                    Header = ParseHeader(Reader.ReadString(), path);
                    _offsets[1] = stream.Position;
                    return;
                }

                VerifySections(stream, sectionsToVerify);
                stream.Position = _offsets[0];
                var json = Encoding.UTF8.GetString(Reader.ReadBytes(checked((int)_lengths[0])));
                Header = ParseHeader(json, path);
            }
            catch (Exception e) when (e is EndOfStreamException or OverflowException or IOException and not FileNotFoundException)
            {
                Reader.Dispose();
                throw new InvalidDataException($"Checkpoint '{path}' is truncated or its structure is damaged: {e.Message}", e);
            }
            catch
            {
                Reader.Dispose();
                throw;
            }
        }

        public BinaryReader Reader { get; }

        public TrainingCheckpoint Header { get; } = null!;

        public bool IsLegacy { get; }

        public void SeekToSection(int section)
        {
            if (!IsLegacy)
            {
                Reader.BaseStream.Position = _offsets[section];
            }
            else if (section == 1)
            {
                Reader.BaseStream.Position = _offsets[1];
            }

            // Legacy section 2 follows section 1 directly: the reader is already there.
        }

        /// <summary>Checks that parsing a section consumed exactly its bytes.</summary>
        public void RequireSectionEnd(int section)
        {
            if (IsLegacy)
            {
                return;
            }

            long end = _offsets[section] + _lengths[section];
            if (Reader.BaseStream.Position != end)
            {
                throw new InvalidDataException(
                    $"Checkpoint '{_path}': its {SectionNames[section]} section holds {_lengths[section]} bytes but the given modules read {Reader.BaseStream.Position - _offsets[section]}; the checkpoint was written for other modules.");
            }
        }

        public void Dispose() => Reader.Dispose();

        private int ReadPreamble()
        {
            string magic;
            try
            {
                magic = Reader.ReadString();
            }
            catch (Exception e) when (e is EndOfStreamException or FormatException or IOException)
            {
                throw new InvalidDataException($"'{_path}' is not a Siamese.Net training checkpoint: {e.Message}", e);
            }

            if (magic != Magic)
            {
                throw new InvalidDataException($"'{_path}' is not a Siamese.Net training checkpoint (or its first bytes are damaged).");
            }

            int format = Reader.ReadInt32();
            if (format != CurrentFormat && format != LegacyFormat)
            {
                throw new InvalidDataException(
                    $"Checkpoint '{_path}' has format {format}; this version reads formats {LegacyFormat} and {CurrentFormat} (the format field is damaged, or the file is from a newer Siamese.Net).");
            }

            return format;
        }

        private void VerifySections(Stream stream, int sectionsToVerify)
        {
            long fileLength = stream.Length;
            for (int i = 0; i < SectionCount; i++)
            {
                long lengthAt = stream.Position;
                long length = Reader.ReadInt64();
                long start = stream.Position;
                if (length < 0 || length > fileLength - start - ContentChecksum.Size)
                {
                    throw new InvalidDataException(
                        $"Checkpoint '{_path}' is damaged: its {SectionNames[i]} section's length field (at byte {lengthAt}) says {length} bytes, but only {Math.Max(0, fileLength - start - ContentChecksum.Size)} remain; the file is truncated or damaged.");
                }

                _offsets[i] = start;
                _lengths[i] = length;
                if (i < sectionsToVerify)
                {
                    var computed = ContentChecksum.Of(stream, length);
                    var stored = Reader.ReadBytes(ContentChecksum.Size);
                    if (!ContentChecksum.Equal(computed, stored))
                    {
                        throw new InvalidDataException(
                            $"Checkpoint '{_path}' is damaged: its {SectionNames[i]} section ({length} bytes at byte {start}) fails its {ContentChecksum.Algorithm} check (stored {ContentChecksum.Short(stored)}..., computed {ContentChecksum.Short(computed)}...). The file changed after it was written (disk, copy or transfer error); use another checkpoint.");
                    }
                }
                else
                {
                    stream.Position = start + length + ContentChecksum.Size;
                }
            }

            if (sectionsToVerify >= SectionCount)
            {
                string end;
                try
                {
                    end = Reader.ReadString();
                }
                catch (Exception e) when (e is EndOfStreamException or FormatException)
                {
                    throw new InvalidDataException($"Checkpoint '{_path}' is damaged: its end marker is missing or unreadable ({e.Message}).", e);
                }

                if (end != EndMarker || stream.Position != fileLength)
                {
                    throw new InvalidDataException(
                        $"Checkpoint '{_path}' is damaged: {(end != EndMarker ? "its end marker is altered" : $"{fileLength - stream.Position} unexpected bytes follow its end marker")}.");
                }
            }
        }
    }
}
