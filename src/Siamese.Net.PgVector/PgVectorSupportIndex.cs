using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Pgvector;
using Siamese.Net.Search;

namespace Siamese.Net.PgVector;

/// <summary>
/// An <see cref="ISupportIndex"/> over PostgreSQL with pgvector: the support set lives in a table, so every service
/// instance that opens the same table and collection sees the same classes, and they survive restarts. Works with any
/// PostgreSQL 13+ that has the pgvector extension (0.5+ for HNSW); the connection comes from an
/// <see cref="NpgsqlDataSource"/> the caller builds with <c>NpgsqlDataSourceBuilder.UseVector()</c> and owns.
/// </summary>
/// <remarks>
/// <para>
/// Tables (names from <see cref="PgVectorIndexOptions.Table"/>): <c>{table}_classes(id identity, collection, label)</c>
/// whose id is the class insertion order; <c>{table}(id identity, collection, class_id, embedding vector(D))</c>; and
/// <c>{table}_meta</c>, which records the metric and dimension the table was created for so that opening it with
/// another is refused. Inserts use binary COPY inside one transaction per <see cref="Add"/>.
/// </para>
/// <para>
/// Distances: Euclidean is <c>&lt;-&gt;</c>; cosine is <c>&lt;=&gt;</c> (pgvector's NaN for a zero vector is reported as
/// 1, the contract's value); inner product is <c>1 + (a &lt;#&gt; b)</c>, since <c>&lt;#&gt;</c> is the negative inner
/// product. Nearest-sample aggregation runs in SQL: the k' nearest samples by the index's operator (so an HNSW or
/// IVFFlat index serves it), then <c>DISTINCT ON (class_id)</c> and ordering by distance and class id. Prototype
/// aggregation is exact, <c>avg(embedding)</c> per class <c>GROUP BY class_id</c>, and scans the collection.
/// </para>
/// </remarks>
public sealed class PgVectorSupportIndex : ISupportIndex
{
    private const int MinimumCandidates = 16;
    private const int FormatVersion = 1;
    private const int InsertChunk = 5000;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _samples;
    private readonly string _classes;
    private readonly string _meta;
    private readonly string _annIndexName;
    private readonly string _qualifiedSamples;
    private readonly object _schemaGate = new();
    private volatile bool _disposed;
    private volatile int _dim; // 0 while unknown: a volatile int, since int? cannot be read atomically
    private bool _iterativeScan;
    private bool _useCopy;

    private PgVectorSupportIndex(NpgsqlDataSource dataSource, VectorMetric metric, KShotAggregation aggregation, PgVectorIndexOptions options)
    {
        _dataSource = dataSource;
        Metric = metric;
        Aggregation = aggregation;
        Options = options;
        string prefix = options.Schema is null ? "" : Quote(options.Schema) + ".";
        _samples = prefix + Quote(options.Table);
        _classes = prefix + Quote(options.Table + "_classes");
        _meta = prefix + Quote(options.Table + "_meta");
        _annIndexName = options.Table + "_embedding_ann";
        _qualifiedSamples = options.Schema is null ? options.Table : options.Schema + "." + options.Table;
    }

    /// <inheritdoc />
    public VectorMetric Metric { get; }

    /// <inheritdoc />
    public KShotAggregation Aggregation { get; }

    /// <summary>The table, collection and index settings.</summary>
    public PgVectorIndexOptions Options { get; }

    /// <inheritdoc />
    public int? Dimension
    {
        get
        {
            ThrowIfDisposed();
            return KnownDimension();
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Classes
    {
        get
        {
            ThrowIfDisposed();
            if (KnownDimension() is null)
            {
                return [];
            }

            using var command = _dataSource.CreateCommand($"SELECT label FROM {_classes} WHERE collection = $1 ORDER BY id");
            command.Parameters.Add(new NpgsqlParameter { Value = Options.Collection });
            using var reader = command.ExecuteReader();
            var labels = new List<string>();
            while (reader.Read())
            {
                labels.Add(reader.GetString(0));
            }

            return labels;
        }
    }

    /// <inheritdoc />
    public int Count
    {
        get
        {
            ThrowIfDisposed();
            if (KnownDimension() is null)
            {
                return 0;
            }

            using var command = _dataSource.CreateCommand($"SELECT count(*) FROM {_samples} WHERE collection = $1");
            command.Parameters.Add(new NpgsqlParameter { Value = Options.Collection });
            return checked((int)(long)command.ExecuteScalar()!);
        }
    }

    /// <summary>
    /// Opens (and, with <see cref="PgVectorIndexOptions.CreateSchema"/>, creates) the support index in a table. An
    /// existing table is validated: its metric and dimension must be the ones asked for.
    /// </summary>
    /// <param name="dataSource">The database, built with <c>NpgsqlDataSourceBuilder.UseVector()</c>; owned by the caller.</param>
    /// <param name="metric">Euclidean (default), cosine or inner product from <see cref="KnownMetrics"/>.</param>
    /// <param name="aggregation">How K-shot classes are scored.</param>
    /// <param name="options">Table, collection and index settings; defaults when null.</param>
    /// <returns>The index.</returns>
    /// <exception cref="ArgumentException">The metric is not one pgvector supports, or an option is invalid.</exception>
    /// <exception cref="InvalidOperationException">
    /// The table exists for another metric or dimension, the pgvector extension is missing, or the data source lacks
    /// <c>UseVector()</c>.
    /// </exception>
    public static PgVectorSupportIndex Open(
        NpgsqlDataSource dataSource,
        VectorMetric? metric = null,
        KShotAggregation aggregation = KShotAggregation.NearestSample,
        PgVectorIndexOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        metric ??= KnownMetrics.Euclidean;
        if (KnownMetrics.TryFromName(metric.Name) is not { } known || !ReferenceEquals(known, metric))
        {
            throw new ArgumentException($"pgvector supports the euclidean, cosine and inner-product metrics, not '{metric.Name}'.", nameof(metric));
        }

        if (!Enum.IsDefined(aggregation))
        {
            throw new ArgumentOutOfRangeException(nameof(aggregation), aggregation, "Unknown K-shot aggregation.");
        }

        options ??= new PgVectorIndexOptions();
        options.Validate();
        var index = new PgVectorSupportIndex(dataSource, metric, aggregation, options);
        index.OpenSchema();
        return index;
    }

    /// <inheritdoc />
    public void Add(IReadOnlyList<string> labels, ReadOnlySpan<float> vectors)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ThrowIfDisposed();
        int d = SupportArguments.CheckAdd(labels, vectors, KnownDim, nameof(vectors));
        if (labels.Count == 0)
        {
            return;
        }

        EnsureTables(d, nameof(vectors));
        var rows = new float[labels.Count][];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = vectors.Slice(i * d, d).ToArray();
        }

        using var connection = _dataSource.OpenConnection();
        using var transaction = connection.BeginTransaction();
        var newLabels = labels.Distinct(StringComparer.Ordinal).ToArray();
        using (var batch = new NpgsqlBatch(connection, transaction))
        {
            // One statement per label, in order of first appearance, so identity values follow the insertion order.
            foreach (string label in newLabels)
            {
                var insert = new NpgsqlBatchCommand($"INSERT INTO {_classes} (collection, label) VALUES ($1, $2) ON CONFLICT (collection, label) DO NOTHING");
                insert.Parameters.Add(new NpgsqlParameter { Value = Options.Collection });
                insert.Parameters.Add(new NpgsqlParameter { Value = label });
                batch.BatchCommands.Add(insert);
            }

            batch.ExecuteNonQuery();
        }

        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var select = new NpgsqlCommand($"SELECT label, id FROM {_classes} WHERE collection = $1 AND label = ANY($2)", connection, transaction))
        {
            select.Parameters.Add(new NpgsqlParameter { Value = Options.Collection });
            select.Parameters.Add(new NpgsqlParameter { Value = newLabels });
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                ids[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        if (_useCopy)
        {
            using var writer = connection.BeginBinaryImport($"COPY {_samples} (collection, class_id, embedding) FROM STDIN (FORMAT BINARY)");
            for (int i = 0; i < rows.Length; i++)
            {
                writer.StartRow();
                writer.Write(Options.Collection, NpgsqlDbType.Text);
                writer.Write(ids[labels[i]], NpgsqlDbType.Bigint);
                writer.Write(new Vector(rows[i]));
            }

            writer.Complete();
        }
        else
        {
            for (int start = 0; start < rows.Length; start += InsertChunk)
            {
                int n = Math.Min(InsertChunk, rows.Length - start);
                using var insert = new NpgsqlCommand(
                    $"INSERT INTO {_samples} (collection, class_id, embedding) SELECT $1, c, e FROM unnest($2::bigint[], $3::vector[]) WITH ORDINALITY AS r(c, e, o) ORDER BY o",
                    connection,
                    transaction);
                insert.Parameters.Add(new NpgsqlParameter { Value = Options.Collection });
                insert.Parameters.Add(new NpgsqlParameter { Value = Enumerable.Range(start, n).Select(i => ids[labels[i]]).ToArray() });
                insert.Parameters.Add(new NpgsqlParameter { Value = Enumerable.Range(start, n).Select(i => new Vector(rows[i])).ToArray() });
                insert.ExecuteNonQuery();
            }
        }

        transaction.Commit();
    }

    /// <inheritdoc />
    public bool Remove(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        ThrowIfDisposed();
        if (KnownDimension() is null)
        {
            return false;
        }

        // The samples go with their class (ON DELETE CASCADE).
        using var command = _dataSource.CreateCommand($"DELETE FROM {_classes} WHERE collection = $1 AND label = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = Options.Collection });
        command.Parameters.Add(new NpgsqlParameter { Value = label });
        return command.ExecuteNonQuery() > 0;
    }

    /// <inheritdoc />
    public bool Rename(string label, string newLabel)
    {
        ArgumentNullException.ThrowIfNull(label);
        SupportArguments.CheckLabel(newLabel, nameof(newLabel));
        ThrowIfDisposed();
        if (KnownDimension() is null)
        {
            return false;
        }

        using var connection = _dataSource.OpenConnection();
        using var transaction = connection.BeginTransaction();
        using var command = new NpgsqlCommand(
            $"SELECT label FROM {_classes} WHERE collection = $1 AND label IN ($2, $3) FOR UPDATE", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = Options.Collection });
        command.Parameters.Add(new NpgsqlParameter { Value = label });
        command.Parameters.Add(new NpgsqlParameter { Value = newLabel });
        var present = new HashSet<string>(StringComparer.Ordinal);
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                present.Add(reader.GetString(0));
            }
        }

        if (!present.Contains(label))
        {
            return false;
        }

        if (label == newLabel)
        {
            return true;
        }

        if (present.Contains(newLabel))
        {
            throw new ArgumentException($"The class '{newLabel}' already exists.", nameof(newLabel));
        }

        // The id (the class's place in the insertion order) and the samples stay; only the label changes.
        using var update = new NpgsqlCommand($"UPDATE {_classes} SET label = $3 WHERE collection = $1 AND label = $2", connection, transaction);
        update.Parameters.Add(new NpgsqlParameter { Value = Options.Collection });
        update.Parameters.Add(new NpgsqlParameter { Value = label });
        update.Parameters.Add(new NpgsqlParameter { Value = newLabel });
        update.ExecuteNonQuery();
        transaction.Commit();
        return true;
    }

    /// <inheritdoc />
    public float[] GetVectors(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        ThrowIfDisposed();
        var values = new List<float>();
        if (KnownDimension() is not null)
        {
            using var command = _dataSource.CreateCommand(
                $"SELECT s.embedding FROM {_samples} s JOIN {_classes} c ON c.id = s.class_id WHERE c.collection = $1 AND c.label = $2 ORDER BY s.id");
            command.Parameters.Add(new NpgsqlParameter { Value = Options.Collection });
            command.Parameters.Add(new NpgsqlParameter { Value = label });
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                values.AddRange(reader.GetFieldValue<Vector>(0).Memory.Span);
            }
        }

        // Every class has at least one sample: no row means no class.
        return values.Count > 0 ? values.ToArray() : throw new KeyNotFoundException($"The index has no class '{label}'.");
    }

    /// <inheritdoc />
    public IReadOnlyList<SupportMatch>[] Search(ReadOnlySpan<float> queries, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ThrowIfDisposed();
        if (KnownDimension() is not { } d)
        {
            throw new InvalidOperationException("The support index is empty: add classes before searching.");
        }

        int q = SupportArguments.CheckRows(queries, d, nameof(queries));
        var vectors = new Vector[q];
        for (int i = 0; i < q; i++)
        {
            vectors[i] = new Vector(queries.Slice(i * d, d).ToArray());
        }

        using var connection = _dataSource.OpenConnection();
        int candidates = Aggregation == KShotAggregation.Prototype ? 0 : Math.Max(MinimumCandidates, k * Options.SamplesPerClass);
        var results = RunSearches(connection, vectors, Enumerable.Range(0, q).ToArray(), k, candidates);
        var shortOnes = Enumerable.Range(0, q).Where(i => results[i].Count < k).ToArray();
        if (shortOnes.Length > 0)
        {
            var (classes, samples) = Counts(connection);
            if (samples == 0)
            {
                throw new InvalidOperationException("The support index is empty: add classes before searching.");
            }

            // Many samples of few classes filled the candidates: fetch more until k classes (or all) come back.
            while (Aggregation == KShotAggregation.NearestSample && candidates < samples)
            {
                shortOnes = shortOnes.Where(i => results[i].Count < Math.Min(k, classes)).ToArray();
                if (shortOnes.Length == 0)
                {
                    break;
                }

                candidates = (int)Math.Min(samples, candidates * 4L);
                var again = RunSearches(connection, vectors, shortOnes, k, candidates);
                foreach (int i in shortOnes)
                {
                    results[i] = again[i];
                }
            }
        }

        return results;
    }

    /// <summary>
    /// Drops and recreates the approximate index on the embedding column as <see cref="PgVectorIndexOptions.IndexKind"/>
    /// says (or only drops it for <see cref="PgVectorIndexKind.None"/>). Call it after a bulk load for IVFFlat, whose
    /// lists are trained on the rows present, or to change the HNSW build settings. It covers every collection.
    /// </summary>
    /// <exception cref="InvalidOperationException">The table does not exist yet (nothing added and no dimension configured).</exception>
    public void RebuildAnnIndex()
    {
        ThrowIfDisposed();
        if (KnownDimension() is null)
        {
            throw new InvalidOperationException("The table does not exist yet: add embeddings or configure Dimension first.");
        }

        using var connection = _dataSource.OpenConnection();
        string schemaPrefix = Options.Schema is null ? "" : Quote(Options.Schema) + ".";
        Execute(connection, null, $"DROP INDEX IF EXISTS {schemaPrefix}{Quote(_annIndexName)}");
        CreateAnnIndex(connection, null);
    }

    /// <summary>Marks the index disposed; the data source belongs to the caller and stays open. Safe to call more than once.</summary>
    public void Dispose() => _disposed = true;

    private static string Quote(string identifier) => "\"" + identifier + "\"";

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        command.ExecuteNonQuery();
    }

    private string Operator => Metric.Name switch
    {
        "euclidean" => "<->",
        "cosine" => "<=>",
        _ => "<#>",
    };

    private string OperatorClass => Metric.Name switch
    {
        "euclidean" => "vector_l2_ops",
        "cosine" => "vector_cosine_ops",
        _ => "vector_ip_ops",
    };

    /// <summary>The contract's distance from pgvector's operator value (an SQL expression over <paramref name="raw"/>).</summary>
    private string ContractDistance(string raw) => Metric.Name switch
    {
        "cosine" => $"CASE WHEN ({raw}) = 'NaN'::float8 THEN 1::float8 ELSE ({raw}) END",
        "inner-product" => $"(1 + ({raw}))",
        _ => $"({raw})",
    };

    private IReadOnlyList<SupportMatch>[] RunSearches(NpgsqlConnection connection, Vector[] vectors, int[] which, int k, int candidates)
    {
        var results = new IReadOnlyList<SupportMatch>[vectors.Length];
        using var transaction = connection.BeginTransaction();
        using var batch = new NpgsqlBatch(connection, transaction);

        // Search settings are local to this transaction; ef_search must reach the number of rows asked for.
        var settings = new NpgsqlBatchCommand(_iterativeScan
            ? "SELECT set_config('hnsw.ef_search', $1, true), set_config('ivfflat.probes', $2, true), set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('ivfflat.iterative_scan', 'relaxed_order', true)"
            : "SELECT set_config('hnsw.ef_search', $1, true), set_config('ivfflat.probes', $2, true)");
        settings.Parameters.Add(new NpgsqlParameter { Value = Math.Min(1000, Math.Max(Options.HnswEfSearch, candidates)).ToString(CultureInfo.InvariantCulture) });
        settings.Parameters.Add(new NpgsqlParameter { Value = Options.IvfFlatProbes.ToString(CultureInfo.InvariantCulture) });
        batch.BatchCommands.Add(settings);

        string sql = Aggregation == KShotAggregation.Prototype
            ? $"""
              SELECT c.label, p.d FROM (
                SELECT class_id, {ContractDistance($"avg(embedding) {Operator} $1")} AS d
                FROM {_samples} WHERE collection = $2 GROUP BY class_id
              ) p JOIN {_classes} c ON c.id = p.class_id
              ORDER BY p.d, c.id LIMIT $3
              """
            : $"""
              SELECT c.label, n.d FROM (
                SELECT DISTINCT ON (class_id) class_id, d FROM (
                  SELECT class_id, {ContractDistance($"embedding {Operator} $1")} AS d
                  FROM {_samples} WHERE collection = $2
                  ORDER BY embedding {Operator} $1 LIMIT $4
                ) nearest ORDER BY class_id, d
              ) n JOIN {_classes} c ON c.id = n.class_id
              ORDER BY n.d, c.id LIMIT $3
              """;
        foreach (int i in which)
        {
            var search = new NpgsqlBatchCommand(sql);
            search.Parameters.Add(new NpgsqlParameter { Value = vectors[i] });
            search.Parameters.Add(new NpgsqlParameter { Value = Options.Collection });
            search.Parameters.Add(new NpgsqlParameter { Value = k });
            if (Aggregation == KShotAggregation.NearestSample)
            {
                search.Parameters.Add(new NpgsqlParameter { Value = candidates });
            }

            batch.BatchCommands.Add(search);
        }

        using (var reader = batch.ExecuteReader())
        {
            // Skip the settings row.
            while (reader.Read())
            {
            }

            foreach (int i in which)
            {
                reader.NextResult();
                var matches = new List<SupportMatch>(k);
                while (reader.Read())
                {
                    matches.Add(new SupportMatch(reader.GetString(0), reader.GetDouble(1)));
                }

                results[i] = matches;
            }
        }

        transaction.Commit();
        return results;
    }

    private (int Classes, long Samples) Counts(NpgsqlConnection connection)
    {
        using var command = new NpgsqlCommand(
            $"SELECT (SELECT count(*) FROM {_classes} WHERE collection = $1), (SELECT count(*) FROM {_samples} WHERE collection = $1)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = Options.Collection });
        using var reader = command.ExecuteReader();
        reader.Read();
        return (checked((int)reader.GetInt64(0)), reader.GetInt64(1));
    }

    private void OpenSchema()
    {
        using var connection = _dataSource.OpenConnection();
        if (Options.CreateSchema)
        {
            Execute(connection, null, "CREATE EXTENSION IF NOT EXISTS vector");
            connection.ReloadTypes();
        }

        using (var version = new NpgsqlCommand("SELECT extversion FROM pg_extension WHERE extname = 'vector'", connection))
        {
            if (version.ExecuteScalar() is not string text)
            {
                throw new InvalidOperationException("The pgvector extension is not installed in this database (CREATE EXTENSION vector).");
            }

            // Iterative index scans (pgvector 0.8) keep a filtered HNSW/IVFFlat scan going until enough rows pass the collection filter.
            var parts = text.Split('.');
            _iterativeScan = parts.Length >= 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out int major) && int.TryParse(parts[1], CultureInfo.InvariantCulture, out int minor)
                && (major > 0 || minor >= 8);
        }

        using (var version = new NpgsqlCommand("SELECT version()", connection))
        {
            // PGlite's socket server cannot take COPY FROM STDIN (the WASM backend reads COPY data from its own device).
            bool pglite = version.ExecuteScalar() is string text && text.Contains("PGlite", StringComparison.Ordinal);
            _useCopy = Options.InsertMethod == PgVectorInsertMethod.BinaryCopy || (Options.InsertMethod == PgVectorInsertMethod.Auto && !pglite);
        }

        try
        {
            using var probe = new NpgsqlCommand("SELECT '[1,2]'::vector", connection);
            _ = probe.ExecuteScalar() as Vector ?? throw new InvalidCastException();
        }
        catch (InvalidCastException e)
        {
            throw new InvalidOperationException("The NpgsqlDataSource does not map pgvector's vector type: build it with NpgsqlDataSourceBuilder.UseVector().", e);
        }

        if (ReadMeta(connection) is { } meta)
        {
            Validate(meta);
            _dim = meta.Dimension;
        }
        else if (Options.Dimension is { } d)
        {
            // On its own connection, after this one is back in the pool: a pool of one must not deadlock.
            connection.Close();
            EnsureTables(d);
        }
    }

    private (string Metric, int Dimension)? ReadMeta(NpgsqlConnection connection)
    {
        using (var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection))
        {
            exists.Parameters.Add(new NpgsqlParameter { Value = (Options.Schema is null ? "" : Options.Schema + ".") + Options.Table + "_meta" });
            if (!(bool)exists.ExecuteScalar()!)
            {
                return null;
            }
        }

        using var command = new NpgsqlCommand($"SELECT key, value FROM {_meta}", connection);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                values[reader.GetString(0)] = reader.GetString(1);
            }
        }

        if (!values.TryGetValue("metric", out var metric) || !values.TryGetValue("dimension", out var dimension))
        {
            throw new InvalidOperationException($"The table {_meta} exists but does not describe a Siamese.Net support index (no metric or dimension).");
        }

        return (metric, int.Parse(dimension, CultureInfo.InvariantCulture));
    }

    private void Validate((string Metric, int Dimension) meta)
    {
        if (meta.Metric != Metric.Name)
        {
            throw new InvalidOperationException(
                $"The support table {_qualifiedSamples} was created for the {meta.Metric} metric; this index asks for {Metric.Name}. Use another table for another metric.");
        }

        if (Options.Dimension is { } d && d != meta.Dimension)
        {
            throw new InvalidOperationException(
                $"The support table {_qualifiedSamples} stores vector({meta.Dimension}); the options ask for {d} dimensions. Use another table for another embedding size.");
        }
    }

    private void EnsureTables(int dimension, string vectorsName = "vectors")
    {
        if (KnownDim is not null)
        {
            return;
        }

        lock (_schemaGate)
        {
            if (KnownDim is not null)
            {
                return;
            }

            using var connection = _dataSource.OpenConnection();
            using var transaction = connection.BeginTransaction();

            // Several services may open the same table at once: one creates it, the others then validate it.
            using (var gate = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext($1))", connection, transaction))
            {
                gate.Parameters.Add(new NpgsqlParameter { Value = "siamese-net:" + _qualifiedSamples });
                gate.ExecuteNonQuery();
            }

            if (ReadMeta(connection) is { } meta)
            {
                Validate(meta);
                if (meta.Dimension != dimension)
                {
                    throw new ArgumentException($"The index holds {meta.Dimension}-dimensional embeddings; these have {dimension}.", vectorsName);
                }
            }
            else
            {
                if (!Options.CreateSchema)
                {
                    throw new InvalidOperationException($"The support table {_qualifiedSamples} does not exist and CreateSchema is false.");
                }

                Execute(connection, transaction, $"""
                    CREATE TABLE {_classes} (
                      id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                      collection text NOT NULL,
                      label text NOT NULL,
                      UNIQUE (collection, label));
                    CREATE TABLE {_samples} (
                      id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                      collection text NOT NULL,
                      class_id bigint NOT NULL REFERENCES {_classes} (id) ON DELETE CASCADE,
                      embedding vector({dimension}) NOT NULL);
                    CREATE INDEX {Quote(Options.Table + "_class_id")} ON {_samples} (class_id);
                    CREATE INDEX {Quote(Options.Table + "_collection")} ON {_samples} (collection);
                    CREATE TABLE {_meta} (key text PRIMARY KEY, value text NOT NULL);
                    INSERT INTO {_meta} (key, value) VALUES
                      ('format', '{FormatVersion}'), ('metric', '{Metric.Name}'), ('dimension', '{dimension}');
                    """);
                CreateAnnIndex(connection, transaction);
            }

            transaction.Commit();
            _dim = dimension;
        }
    }

    private void CreateAnnIndex(NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        string? sql = Options.IndexKind switch
        {
            PgVectorIndexKind.Hnsw => $"CREATE INDEX IF NOT EXISTS {Quote(_annIndexName)} ON {_samples} USING hnsw (embedding {OperatorClass}) WITH (m = {Options.HnswM}, ef_construction = {Options.HnswEfConstruction})",
            PgVectorIndexKind.IvfFlat => $"CREATE INDEX IF NOT EXISTS {Quote(_annIndexName)} ON {_samples} USING ivfflat (embedding {OperatorClass}) WITH (lists = {Options.IvfFlatLists})",
            _ => null,
        };
        if (sql is not null)
        {
            Execute(connection, transaction, sql);
        }
    }

    /// <summary>The dimension, reading the table's description when another instance may have created it since.</summary>
    private int? KnownDimension()
    {
        if (KnownDim is { } known)
        {
            return known;
        }

        using var connection = _dataSource.OpenConnection();
        if (ReadMeta(connection) is { } meta)
        {
            Validate(meta);
            _dim = meta.Dimension;
            return meta.Dimension;
        }

        return null;
    }

    private int? KnownDim => _dim > 0 ? _dim : null;

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
