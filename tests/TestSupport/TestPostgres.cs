using Npgsql;
using Xunit;
using Testcontainers.PostgreSql;

namespace MediaMesh.TestSupport;

/// <summary>
/// The PostgreSQL server of a test run: one container per test process, started by Testcontainers
/// (image <see cref="Image"/>), or the server named by <c>MEDIAMESH_TEST_POSTGRES</c> (an admin connection
/// string, for a developer's own server). Every host gets a fresh database on it.
/// With <c>MEDIAMESH_TEST_DATABASE=postgres</c>, every <see cref="ServiceHost{TProgram}"/> runs on PostgreSQL.
/// Without a Docker engine (and without the variable) tests that need PostgreSQL are skipped, saying why.
/// </summary>
public static class TestPostgres
{
    public const string Image = "postgres:15";
    public const string ServerVariable = "MEDIAMESH_TEST_POSTGRES";
    public const string DatabaseVariable = "MEDIAMESH_TEST_DATABASE";

    private static readonly Lazy<Task<Server>> Shared = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>True when the whole suite is asked to run on PostgreSQL.</summary>
    public static bool EveryHost =>
        string.Equals(Environment.GetEnvironmentVariable(DatabaseVariable), "postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>The admin connection string of the run's server; skips the calling test when there is none.</summary>
    public static async Task<string> AdminConnectionStringAsync()
    {
        var server = await Shared.Value;
        if (server.Unavailable is { } reason)
        {
            Assert.Skip(reason);
        }

        return server.AdminConnectionString!;
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var admin = await AdminConnectionStringAsync();
        var name = "t_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ToString();
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing what still uses it.</summary>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(await AdminConnectionStringAsync());
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    private static async Task<Server> StartAsync()
    {
        if (Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } given)
        {
            return new Server(given, null);
        }

        // Build() already asks the Docker endpoint (it throws DockerUnavailableException without an engine).
        PostgreSqlContainer container;
        try
        {
            container = new PostgreSqlBuilder(Image)
                .WithCommand("-c", "max_connections=500", "-c", "fsync=off")
                .Build();
            await container.StartAsync();
        }
        catch (Exception e) when (IsDockerMissing(e))
        {
            return new Server(null, $"PostgreSQL tests need a Docker engine for Testcontainers (or {ServerVariable}): {e.Message}");
        }

        // Stopped with the test process; Ryuk (when enabled) removes it even after a crash.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => container.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
        return new Server(container.GetConnectionString(), null);
    }

    private static bool IsDockerMissing(Exception e) =>
        e is DotNet.Testcontainers.Builders.DockerUnavailableException
        || e.GetType().Name.Contains("DockerUnavailable", StringComparison.Ordinal)
        || (e.InnerException is { } inner && IsDockerMissing(inner));

    private sealed record Server(string? AdminConnectionString, string? Unavailable);
}
