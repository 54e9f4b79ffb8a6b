using Npgsql;
using Siamese.Net.PgVector;
using Siamese.Net.Search.Tests.USearch;

namespace Siamese.Net.Search.Tests.PgVector;

public sealed class PgVectorSupportIndexTests : IDisposable
{
    private readonly List<string> _tables = [];

    public void Dispose()
    {
        if (PgVectorServer.ConnectionString is not null)
        {
            foreach (string table in _tables)
            {
                PgVectorServer.DropTables(table);
            }
        }
    }

    [PgVectorFact]
    public void Instances_on_the_same_table_share_one_support_set()
    {
        var options = new PgVectorIndexOptions { Table = NewTable() };
        using var first = PgVectorSupportIndex.Open(PgVectorServer.DataSource, KnownMetrics.Cosine, options: options);
        using var second = PgVectorSupportIndex.Open(PgVectorServer.DataSource, KnownMetrics.Cosine, options: options);

        // The second instance opened before the table existed; it finds the table the first one created.
        first.Add(["alice", "bob"], [1, 0, 0, 1]);
        second.Dimension.Should().Be(2);
        second.Classes.Should().Equal("alice", "bob");
        second.Add(["carol"], [-1, 0]);
        first.Search([-1, 0.1f], 1).Single()[0].Label.Should().Be("carol");
        second.Rename("alice", "alicia");
        first.Classes.Should().Equal("alicia", "bob", "carol");
    }

    [PgVectorFact]
    public void Collections_in_one_table_do_not_see_each_other()
    {
        string table = NewTable();
        using var tenantA = PgVectorSupportIndex.Open(PgVectorServer.DataSource, options: new PgVectorIndexOptions { Table = table, Collection = "tenant-a" });
        using var tenantB = PgVectorSupportIndex.Open(PgVectorServer.DataSource, options: new PgVectorIndexOptions { Table = table, Collection = "tenant-b" });
        tenantA.Add(["shared-name", "only-a"], [0, 0, 5, 5]);
        tenantB.Add(["shared-name"], [9, 9]);

        tenantA.Classes.Should().Equal("shared-name", "only-a");
        tenantB.Classes.Should().Equal("shared-name");
        tenantB.Count.Should().Be(1);
        tenantB.Search([5, 5], 5).Single().Should().ContainSingle().Which.Label.Should().Be("shared-name");
        tenantB.GetVectors("shared-name").Should().Equal(9, 9);
        tenantB.Remove("shared-name").Should().BeTrue();
        tenantA.GetVectors("shared-name").Should().Equal(0, 0);
    }

    [PgVectorFact]
    public void Opening_a_table_with_another_metric_or_dimension_fails_clearly()
    {
        string table = NewTable();
        using (var index = PgVectorSupportIndex.Open(PgVectorServer.DataSource, KnownMetrics.Cosine, options: new PgVectorIndexOptions { Table = table, Dimension = 4 }))
        {
            index.Dimension.Should().Be(4);
            index.Invoking(i => i.Add(["a"], [1, 2, 3])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("vectors");
        }

        FluentActions.Invoking(() => PgVectorSupportIndex.Open(PgVectorServer.DataSource, KnownMetrics.Euclidean, options: new PgVectorIndexOptions { Table = table }))
            .Should().Throw<InvalidOperationException>().WithMessage("*created for the cosine metric; this index asks for euclidean*");
        FluentActions.Invoking(() => PgVectorSupportIndex.Open(PgVectorServer.DataSource, KnownMetrics.Cosine, options: new PgVectorIndexOptions { Table = table, Dimension = 8 }))
            .Should().Throw<InvalidOperationException>().WithMessage("*stores vector(4); the options ask for 8 dimensions*");
        using var reopened = PgVectorSupportIndex.Open(PgVectorServer.DataSource, KnownMetrics.Cosine, options: new PgVectorIndexOptions { Table = table });
        reopened.Dimension.Should().Be(4);
    }

    [PgVectorFact]
    public void A_data_source_without_UseVector_is_refused_with_the_fix()
    {
        using var plain = NpgsqlDataSource.Create(PgVectorServer.ConnectionString!);

        FluentActions.Invoking(() => PgVectorSupportIndex.Open(plain, options: new PgVectorIndexOptions { Table = NewTable() }))
            .Should().Throw<InvalidOperationException>().WithMessage("*UseVector()*");
    }

    [PgVectorFact]
    public void A_missing_table_is_not_created_when_CreateSchema_is_false()
    {
        using var index = PgVectorSupportIndex.Open(PgVectorServer.DataSource, options: new PgVectorIndexOptions { Table = NewTable(), CreateSchema = false });

        index.Invoking(i => i.Add(["a"], [1, 2])).Should().Throw<InvalidOperationException>().WithMessage("*does not exist*");
    }

    [PgVectorFact]
    public void Many_samples_of_one_class_do_not_hide_the_other_classes()
    {
        using var index = PgVectorSupportIndex.Open(PgVectorServer.DataSource, options: new PgVectorIndexOptions { Table = NewTable() });
        var labels = Enumerable.Repeat("crowd", 200).Append("far").ToArray();
        index.Add(labels, Enumerable.Range(0, 200).SelectMany(i => new[] { i * 1e-3f, 0 }).Concat([100f, 0]).ToArray());

        var result = index.Search([0, 0], 2).Single();

        result.Select(m => m.Label).Should().Equal("crowd", "far");
        result[1].Distance.Should().BeApproximately(100, 1e-3);
    }

    [PgVectorFact]
    public void Hnsw_ivfflat_and_exact_scans_agree_with_the_exact_index()
    {
        var (labels, vectors) = USearchSupportIndexTests.Clustered(classes: 200, shots: 3, dimension: 16, seed: 21);
        var queries = USearchSupportIndexTests.Clustered(classes: 200, shots: 1, dimension: 16, seed: 21, noiseSeed: 4).Vectors;
        using var exact = new ExactSupportIndex(KnownMetrics.InnerProduct);
        exact.Add(labels, vectors);
        var expected = exact.Search(queries, 3);
        foreach (var kind in new[] { PgVectorIndexKind.None, PgVectorIndexKind.Hnsw, PgVectorIndexKind.IvfFlat })
        {
            using var index = PgVectorSupportIndex.Open(PgVectorServer.DataSource, KnownMetrics.InnerProduct,
                options: new PgVectorIndexOptions { Table = NewTable(), IndexKind = kind, IvfFlatLists = 10, IvfFlatProbes = 10 });
            index.Add(labels, vectors);
            if (kind == PgVectorIndexKind.IvfFlat)
            {
                index.RebuildAnnIndex();
            }

            var actual = index.Search(queries, 3);
            int agree = Enumerable.Range(0, expected.Length).Count(q => actual[q].Select(m => m.Label).SequenceEqual(expected[q].Select(m => m.Label)));
            agree.Should().BeGreaterThanOrEqualTo(kind == PgVectorIndexKind.None ? 200 : 196, $"{kind} on 600 samples");
            actual[0][0].Distance.Should().BeApproximately(expected[0][0].Distance, 1e-4);
        }
    }

    [PgVectorFact]
    public void The_ann_index_is_created_with_the_metric_operator_class()
    {
        string table = NewTable();
        using var index = PgVectorSupportIndex.Open(PgVectorServer.DataSource, KnownMetrics.Cosine, options: new PgVectorIndexOptions { Table = table, Dimension = 3, HnswM = 8, HnswEfConstruction = 32 });

        using var command = PgVectorServer.DataSource.CreateCommand("SELECT indexdef FROM pg_indexes WHERE indexname = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = table + "_embedding_ann" });
        string definition = (string)command.ExecuteScalar()!;

        definition.Should().Contain("USING hnsw").And.Contain("vector_cosine_ops").And.Contain("m='8'").And.Contain("ef_construction='32'");
    }

    [Fact]
    public void Options_and_metrics_are_checked_before_connecting()
    {
        using var nowhere = NpgsqlDataSource.Create("Host=nowhere.invalid;Timeout=1");

        FluentActions.Invoking(() => PgVectorSupportIndex.Open(nowhere, options: new PgVectorIndexOptions { Table = "Bad-Name" }))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("Table");
        FluentActions.Invoking(() => PgVectorSupportIndex.Open(nowhere, options: new PgVectorIndexOptions { Schema = "x;drop" }))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("Schema");
        FluentActions.Invoking(() => PgVectorSupportIndex.Open(nowhere, options: new PgVectorIndexOptions { HnswM = 1 }))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("HnswM");
        FluentActions.Invoking(() => PgVectorSupportIndex.Open(nowhere, options: new PgVectorIndexOptions { HnswM = 16, HnswEfConstruction = 20 }))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("HnswEfConstruction");
        FluentActions.Invoking(() => PgVectorSupportIndex.Open(nowhere, options: new PgVectorIndexOptions { Dimension = 0 }))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("Dimension");
        FluentActions.Invoking(() => PgVectorSupportIndex.Open(nowhere, options: new PgVectorIndexOptions { Collection = null! }))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("Collection");
        FluentActions.Invoking(() => PgVectorSupportIndex.Open(nowhere, options: new PgVectorIndexOptions { InsertMethod = (PgVectorInsertMethod)7 }))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("InsertMethod");
        FluentActions.Invoking(() => PgVectorSupportIndex.Open(nowhere, new ManhattanLike()))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("metric");
    }

    [Fact]
    public void Tests_against_a_server_say_how_to_enable_them_when_skipped()
    {
        string? saved = Environment.GetEnvironmentVariable(PgVectorServer.Variable);
        PgVectorServer.SkipReason.Should().Be(saved is { Length: > 0 } ? null
            : "No PostgreSQL with pgvector: set SIAMESE_NET_PG to an Npgsql connection string (CI starts one with .ci/pglite/start.sh).");
    }

    private string NewTable()
    {
        string table = PgVectorServer.UniqueTable("t");
        _tables.Add(table);
        return table;
    }

    private sealed class ManhattanLike : VectorMetric
    {
        public override string Name => "manhattan";

        public override float Distance(ReadOnlySpan<float> first, ReadOnlySpan<float> second) => 0;
    }
}
