using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Siamese.Net.PgVector;
using Siamese.Net.Search;
using Siamese.Net.USearch;

// Side-by-side support-index benchmark: exact (managed, SIMD) vs USearch HNSW vs pgvector, on random unit vectors,
// one class per vector (an identification gallery). Reports build time, memory, recall@1/@10 against the exact index,
// and queries/s with p50/p99 latency of single-query searches issued from --threads threads.
//   dotnet run -c Release --project benchmarks/Siamese.Net.Search.Benchmarks -- --size 1000000 --queries 500
//   options: --size N (1,000,000) --dim D (128) --queries Q (500) --threads T (2) --connectivity M (16)
//            --expansion-add E (128) --expansion-search list (64,128,256) --pg-size N (100,000; needs SIAMESE_NET_PG)
//            --query-noise S (0.75): each query is a random support vector plus Gaussian noise of norm about S, normalised
//            (a new capture of an enrolled identity: cosine distance ~0.2 to its own vector, ~0.55+ to the nearest other
//            of 10^6); 0 or less = independent random unit vectors, whose nearest neighbours are barely nearer than
//            the rest in 128 dimensions (the hardest case for any ANN index, and not what identification looks like)
var options = Arguments.Parse(args);
var culture = CultureInfo.InvariantCulture;
Console.WriteLine(string.Create(culture, $"support {options.Size:N0} x {options.Dim}, {options.Queries} queries (noise {options.QueryNoise}), {options.Threads} threads, {Environment.ProcessorCount} CPUs, load {LoadAverage()}"));

var random = new Random(42);
var data = UnitVectors(random, options.Size, options.Dim);
var queries = options.QueryNoise > 0
    ? NoisyCopies(random, data, options.Size, options.Queries, options.Dim, options.QueryNoise)
    : UnitVectors(random, options.Queries, options.Dim);
var labels = Enumerable.Range(0, options.Size).Select(i => "id" + i.ToString(culture)).ToArray();
var rows = new List<string[]>();
void Report(string[] row)
{
    rows.Add(row);
    Console.WriteLine("  measured: " + string.Join(" | ", row));
}


// Exact: the reference for recall.
long before = Rss();
var watch = Stopwatch.StartNew();
using var exact = new ExactSupportIndex(KnownMetrics.Cosine);
exact.Add(labels, data);
double exactBuild = watch.Elapsed.TotalSeconds;
long exactMemory = Rss() - before;
var truth = exact.Search(queries, 10);
var exactTiming = Time(exact, queries, options);
Report(Row("exact (ExactSupportIndex)", options.Size, exactBuild, exactMemory, 1, 1, exactTiming));

// USearch, one build, several search expansions.
before = Rss();
watch.Restart();
using (var hnsw = new USearchSupportIndex(KnownMetrics.Cosine, options: new USearchIndexOptions
{
    Connectivity = options.Connectivity,
    ExpansionAdd = options.ExpansionAdd,
    ExpansionSearch = options.ExpansionSearch[0],
}))
{
    for (int start = 0; start < options.Size; start += 100_000)
    {
        int n = Math.Min(100_000, options.Size - start);
        hnsw.Add(labels[start..(start + n)], data.AsSpan(start * options.Dim, n * options.Dim));
    }

    double build = watch.Elapsed.TotalSeconds;
    long memory = Rss() - before;
    foreach (int ef in options.ExpansionSearch)
    {
        hnsw.ChangeExpansionSearch(ef);
        var (r1, r10) = Recall(hnsw.Search(queries, 10), truth);
        var timing = Time(hnsw, queries, options);
        Report(Row($"USearch M={options.Connectivity} efC={options.ExpansionAdd} ef={ef}", options.Size, build, memory, r1, r10, timing, exactTiming));
    }
}

// pgvector on the server in SIAMESE_NET_PG, on the first --pg-size vectors (the WASM server in CI is slow).
if (Environment.GetEnvironmentVariable("SIAMESE_NET_PG") is { Length: > 0 } connection && options.PgSize > 0)
{
    try
    {
        int n = Math.Min(options.PgSize, options.Size);
        using var subset = new ExactSupportIndex(KnownMetrics.Cosine);
        subset.Add(labels[..n], data.AsSpan(0, n * options.Dim));
        var subsetTruth = subset.Search(queries, 10);
        var subsetTiming = Time(subset, queries, options);
        Report(Row("exact (same subset)", n, double.NaN, 0, 1, 1, subsetTiming));

        var builder = new NpgsqlDataSourceBuilder(connection);
        builder.UseVector();
        using var dataSource = builder.Build();
        string table = "bench_" + Guid.NewGuid().ToString("N")[..8];
        watch.Restart();
        using (var pg = PgVectorSupportIndex.Open(dataSource, KnownMetrics.Cosine, options: new PgVectorIndexOptions { Table = table, IndexKind = PgVectorIndexKind.None }))
        {
            for (int start = 0; start < n; start += 10_000)
            {
                int m = Math.Min(10_000, n - start);
                pg.Add(labels[start..(start + m)], data.AsSpan(start * options.Dim, m * options.Dim));
            }

            double load = watch.Elapsed.TotalSeconds;
            watch.Restart();
            using var hnsw = PgVectorSupportIndex.Open(dataSource, KnownMetrics.Cosine, options: new PgVectorIndexOptions { Table = table, HnswEfSearch = 100 });
            hnsw.RebuildAnnIndex();
            double indexBuild = watch.Elapsed.TotalSeconds;
            var (r1, r10) = Recall(hnsw.Search(queries, 10), subsetTruth);
            var timing = Time(hnsw, queries, options);
            Report(Row(string.Create(culture, $"pgvector HNSW m=16 efC=64 ef=100 (load {load:F0} s + index {indexBuild:F0} s)"), n, load + indexBuild, 0, r1, r10, timing, subsetTiming));
            using var drop = dataSource.CreateCommand($"DROP TABLE \"{table}\", \"{table}_classes\", \"{table}_meta\" CASCADE");
            drop.ExecuteNonQuery();
        }
    }
    catch (NpgsqlException e)
    {
        Console.WriteLine("pgvector run failed: " + e.Message);
    }
}

Console.WriteLine();
Console.WriteLine("| index | supports | build s | memory MiB | recall@1 | recall@10 | queries/s | p50 ms | p99 ms | speed-up |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var row in rows)
{
    Console.WriteLine("| " + string.Join(" | ", row) + " |");
}

return 0;

static string[] Row(string name, int size, double build, long memory, double r1, double r10, Timing timing, Timing? baseline = null) =>
[
    name,
    size.ToString("N0", CultureInfo.InvariantCulture),
    double.IsNaN(build) ? "-" : build.ToString("F1", CultureInfo.InvariantCulture),
    memory > 0 ? (memory / 1048576.0).ToString("F0", CultureInfo.InvariantCulture) : "-",
    r1.ToString("F4", CultureInfo.InvariantCulture),
    r10.ToString("F4", CultureInfo.InvariantCulture),
    timing.QueriesPerSecond.ToString("F0", CultureInfo.InvariantCulture),
    timing.P50.ToString("F2", CultureInfo.InvariantCulture),
    timing.P99.ToString("F2", CultureInfo.InvariantCulture),
    baseline is { } b ? (timing.QueriesPerSecond / b.QueriesPerSecond).ToString(timing.QueriesPerSecond < 10 * b.QueriesPerSecond ? "F2" : "F0", CultureInfo.InvariantCulture) + "x" : "1x",
];

static (double At1, double At10) Recall(IReadOnlyList<SupportMatch>[] found, IReadOnlyList<SupportMatch>[] truth)
{
    double at1 = 0, at10 = 0;
    for (int q = 0; q < truth.Length; q++)
    {
        at1 += found[q].Count > 0 && found[q][0].Label == truth[q][0].Label ? 1 : 0;
        at10 += found[q].Select(m => m.Label).Intersect(truth[q].Select(m => m.Label)).Count() / (double)truth[q].Count;
    }

    return (at1 / truth.Length, at10 / truth.Length);
}

static Timing Time(ISupportIndex index, float[] queries, Options options)
{
    int d = options.Dim;
    int q = queries.Length / d;
    index.Search(queries.AsSpan(0, d), 10); // warm-up
    var latencies = new double[q];
    var watch = Stopwatch.StartNew();
    Parallel.For(0, q, new ParallelOptions { MaxDegreeOfParallelism = options.Threads }, i =>
    {
        long start = Stopwatch.GetTimestamp();
        index.Search(queries.AsSpan(i * d, d), 10);
        latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    });
    double seconds = watch.Elapsed.TotalSeconds;
    Array.Sort(latencies);
    return new Timing(q / seconds, latencies[q / 2], latencies[Math.Min(q - 1, (int)(q * 0.99))]);
}

static float[] UnitVectors(Random random, int count, int dim)
{
    var values = new float[count * dim];
    for (int i = 0; i < count; i++)
    {
        var row = values.AsSpan(i * dim, dim);
        for (int j = 0; j < dim; j++)
        {
            row[j] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        float norm = System.Numerics.Tensors.TensorPrimitives.Norm(row);
        System.Numerics.Tensors.TensorPrimitives.Divide(row, norm, row);
    }

    return values;
}

static float[] NoisyCopies(Random random, float[] data, int size, int count, int dim, double noise)
{
    var values = new float[count * dim];
    double sigma = noise / Math.Sqrt(dim);
    for (int i = 0; i < count; i++)
    {
        var row = values.AsSpan(i * dim, dim);
        data.AsSpan(random.Next(size) * dim, dim).CopyTo(row);
        for (int j = 0; j < dim; j++)
        {
            row[j] += (float)(sigma * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        float norm = System.Numerics.Tensors.TensorPrimitives.Norm(row);
        System.Numerics.Tensors.TensorPrimitives.Divide(row, norm, row);
    }

    return values;
}

static long Rss()
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    GC.Collect();
    using var process = Process.GetCurrentProcess();
    return process.WorkingSet64;
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

internal sealed record Timing(double QueriesPerSecond, double P50, double P99);

internal sealed record Options(int Size, int Dim, int Queries, int Threads, int Connectivity, int ExpansionAdd, int[] ExpansionSearch, int PgSize, double QueryNoise);

internal static class Arguments
{
    public static Options Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        int Get(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) : fallback;
        var ef = values.TryGetValue("expansion-search", out var list)
            ? list.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray()
            : [64, 128, 256];
        return new Options(Get("size", 1_000_000), Get("dim", 128), Get("queries", 500), Get("threads", 2), Get("connectivity", 16), Get("expansion-add", 128), ef, Get("pg-size", 100_000),
            values.TryGetValue("query-noise", out var noise) ? double.Parse(noise, CultureInfo.InvariantCulture) : 0.75);
    }
}
