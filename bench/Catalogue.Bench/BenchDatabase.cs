using System.Data.Common;
using MediaMesh.Bench.Support;
using MediaMesh.Exchange.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace MediaMesh.Catalogue.Bench;

/// <summary>
/// The database the benchmark seeds and searches, through the service's own DbContext for the provider
/// (<see cref="ExchangeDbContext"/> on SQLite, <see cref="PostgresExchangeDbContext"/> on PostgreSQL).
/// </summary>
internal abstract class BenchDatabase : IAsyncDisposable
{
    /// <summary>Where the cached database's description of what it holds is kept (with --reuse).</summary>
    public abstract string MarkerPath { get; }

    public abstract string Description { get; }

    /// <summary>Records the statements of every context this database hands out (while recording is on).</summary>
    public SqlCapture Capture { get; } = new();

    /// <summary>A new context, as a scoped gRPC call gets one (options built once, as DI does).</summary>
    public abstract ExchangeDbContext NewContext();

    public abstract DbConnection NewConnection();

    /// <summary>Drops whatever a previous run left, so the database can be migrated and seeded afresh.</summary>
    public abstract Task ResetAsync();

    /// <summary>What the service's start does after migrating (SQLite: WAL).</summary>
    public abstract Task AfterMigrateAsync(ExchangeDbContext db);

    /// <summary>After seeding (PostgreSQL: ANALYZE, which autovacuum would do after a bulk load on a live server).</summary>
    public virtual Task AfterSeedAsync(ExchangeDbContext db) => Task.CompletedTask;

    public virtual Task BeforeTimingAsync(ExchangeDbContext db) => Task.CompletedTask;

    public abstract IReadOnlyList<string> Explain(CapturedCommand command);

    public abstract bool IsFullScan(string planLine);

    public abstract ValueTask DisposeAsync();

    public static async Task<BenchDatabase> OpenAsync(BenchOptions options) => options.Provider switch
    {
        BenchProvider.Sqlite => new SqliteBenchDatabase(options),
        _ => await PostgresBenchDatabase.StartAsync(options),
    };

    /// <summary>The folder of this run: the cache folder with --reuse, otherwise a temporary one removed at the end.</summary>
    protected static string RunFolder(BenchOptions options, string name) => options.Reuse
        ? Path.Combine(options.DataFolder, name)
        : Path.Combine(Path.GetTempPath(), $"mediamesh-catalogue-bench-{name}-{Guid.NewGuid().ToString("N")[..8]}");
}

internal sealed class SqliteBenchDatabase : BenchDatabase
{
    private readonly BenchOptions _options;
    private readonly string _folder;
    private readonly string _connectionString;

    public SqliteBenchDatabase(BenchOptions options)
    {
        _options = options;
        _folder = RunFolder(options, "sqlite");
        Directory.CreateDirectory(_folder);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, "exchange.db"), Pooling = true, DefaultTimeout = 30 }.ToString();
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Description = "SQLite " + connection.ServerVersion;
    }

    public override string MarkerPath => Path.Combine(_folder, "seeded.txt");

    public override string Description { get; }

    private DbContextOptions<ExchangeDbContext>? _contextOptions;

    public override ExchangeDbContext NewContext() =>
        new(_contextOptions ??= new DbContextOptionsBuilder<ExchangeDbContext>().UseSqlite(_connectionString).AddInterceptors(Capture).Options);

    public override DbConnection NewConnection() => new SqliteConnection(_connectionString);

    public override Task ResetAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(_folder, "exchange.db*"))
        {
            File.Delete(file);
        }

        File.Delete(MarkerPath);
        return Task.CompletedTask;
    }

    public override Task AfterMigrateAsync(ExchangeDbContext db) => db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");

    public override IReadOnlyList<string> Explain(CapturedCommand command)
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + command.Sql;
        foreach (var (name, value) in command.Parameters)
        {
            explain.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        var depth = new Dictionary<long, int> { [0] = -1 };
        var lines = new List<string>();
        using var reader = explain.ExecuteReader();
        while (reader.Read())
        {
            var id = reader.GetInt64(0);
            var level = depth.GetValueOrDefault(reader.GetInt64(1), -1) + 1;
            depth[id] = level;
            lines.Add(new string(' ', level * 2) + reader.GetString(3));
        }

        return lines;
    }

    /// <summary>True if a plan line reads a whole table without an index.</summary>
    public override bool IsFullScan(string planLine)
    {
        var trimmed = planLine.Trim();
        return trimmed.StartsWith("SCAN ", StringComparison.Ordinal) && !trimmed.Contains("USING", StringComparison.Ordinal)
            && !trimmed.Contains("CONSTANT ROW", StringComparison.Ordinal) && !trimmed.Contains("VIRTUAL TABLE", StringComparison.Ordinal);
    }

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        if (!_options.Reuse)
        {
            Directory.Delete(_folder, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// PostgreSQL: the server given by --postgres, or a PostgreSQL 15 started from /usr/lib/postgresql/15/bin
/// in a folder of its own on a free loopback port (as the postgres user when run as root: it refuses root).
/// </summary>
internal sealed class PostgresBenchDatabase : BenchDatabase
{
    private const string DatabaseName = "catalogue_bench";
    private readonly BenchOptions _options;
    private readonly string _folder;
    private readonly LocalPostgres? _local;
    private readonly string _serverConnectionString;
    private readonly string _connectionString;

    private PostgresBenchDatabase(BenchOptions options, string folder, LocalPostgres? local, string serverConnectionString, string version)
    {
        _options = options;
        _folder = folder;
        _local = local;
        _serverConnectionString = serverConnectionString;
        _connectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = DatabaseName, MaxPoolSize = 10 }.ToString();
        Description = $"PostgreSQL {version}" + (local is null ? " (server from --postgres)" : " (local server started by the benchmark, default settings)");
    }

    public override string MarkerPath => Path.Combine(_folder, "seeded.txt");

    public override string Description { get; }

    public static async Task<PostgresBenchDatabase> StartAsync(BenchOptions options)
    {
        var folder = RunFolder(options, "postgres");
        Directory.CreateDirectory(folder);
        LocalPostgres? local = null;
        var server = options.Postgres;
        if (server is null)
        {
            local = await LocalPostgres.StartAsync(folder, "-c fsync=off -c synchronous_commit=off");
            server = local.ConnectionString();
        }

        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        return new PostgresBenchDatabase(options, folder, local, server, connection.PostgreSqlVersion.ToString());
    }

    private DbContextOptions<PostgresExchangeDbContext>? _contextOptions;

    public override ExchangeDbContext NewContext() =>
        new PostgresExchangeDbContext(_contextOptions ??= new DbContextOptionsBuilder<PostgresExchangeDbContext>().UseNpgsql(_connectionString).AddInterceptors(Capture).Options);

    public override DbConnection NewConnection() => new NpgsqlConnection(_connectionString);

    public override async Task ResetAsync()
    {
        NpgsqlConnection.ClearAllPools();
        File.Delete(MarkerPath);
        await using var connection = new NpgsqlConnection(_serverConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {DatabaseName} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {DatabaseName}", connection);
        await create.ExecuteNonQueryAsync();
    }

    public override Task AfterMigrateAsync(ExchangeDbContext db) => Task.CompletedTask;

    public override Task AfterSeedAsync(ExchangeDbContext db) => db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE;");

    /// <summary>Before timing, what autovacuum does on a live server after a bulk load (visibility map, statistics); quick when already done.</summary>
    public override Task BeforeTimingAsync(ExchangeDbContext db) => AfterSeedAsync(db);

    public override IReadOnlyList<string> Explain(CapturedCommand command)
    {
        using var connection = new NpgsqlConnection(_connectionString);
        connection.Open();
        using var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + command.Sql, connection);
        foreach (var (name, value) in command.Parameters)
        {
            explain.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        var lines = new List<string>();
        using var reader = explain.ExecuteReader();
        while (reader.Read())
        {
            lines.Add(reader.GetString(0));
        }

        return lines;
    }

    public override bool IsFullScan(string planLine) => planLine.Contains("Seq Scan on offers", StringComparison.Ordinal);

    public override async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (!_options.Reuse && _local is null)
        {
            await using var connection = new NpgsqlConnection(_serverConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {DatabaseName} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }

        if (_local is not null)
        {
            await _local.DisposeAsync();
        }

        if (!_options.Reuse)
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
