using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Health.V1;
using MediaMesh.Organizations.Persistence;
using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.ServiceDefaults.Persistence;
using MediaMesh.TestSupport;
using Microsoft.Data.Sqlite;
using Npgsql;
using Testcontainers.PostgreSql;
using V1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Organization.Tests;

/// <summary>
/// What a platform team relies on, on the real database engines: migrations by command and from replicas
/// starting at once, start-up that waits for its database, and health that follows the database.
/// PostgreSQL runs in Testcontainers (skipped, saying why, without a Docker engine).
/// </summary>
public sealed class DatabaseOperationsTests
{
    public static TheoryData<string> Providers => new() { "Sqlite", "Postgres" };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Replicas_starting_at_once_and_the_migrate_command_run_twice_apply_each_migration_once(string provider)
    {
        var database = await NewDatabaseAsync(provider);
        var replicas = Enumerable.Range(0, 3).Select(_ => On(new OrganizationHost(), provider, database)).ToArray();
        try
        {
            // Each replica migrates as it starts; all start together on the empty database.
            await Task.WhenAll(replicas.Select(r => Task.Run(() => r.Server)));
            var created = await replicas[0].CreateActiveAsync(OrganizationHost.Unique("Radio Tamazuj"), "SS");
            foreach (var replica in replicas)
            {
                var read = await replica.ClientAs(created.Id).GetOrganizationAsync(new V1.GetOrganizationRequest { Id = created.Id });
                Assert.Equal(created.Id, read.Organization.Id);
            }

            var first = RunMigrateCommandAsync(provider, database);
            var second = RunMigrateCommandAsync(provider, database);
            var outcomes = await Task.WhenAll(first, second);
            Assert.All(outcomes, o => Assert.True(o.ExitCode == 0, o.Output));
            Assert.All(outcomes, o => Assert.Contains("database is up to date", o.Output, StringComparison.Ordinal));
            Assert.Equal(MigrationCount(provider), await HistoryRowsAsync(provider, database));
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }

            await DropAsync(provider, database);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_service_told_not_to_migrate_waits_for_the_migrate_command_then_serves(string provider)
    {
        var database = await NewDatabaseAsync(provider);
        await using var host = On(new OrganizationHost(), provider, database);
        host.WithSetting("MediaMesh:Database:MigrateOnStart", "false");
        try
        {
            var starting = Task.Run(() => host.Server);
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.False(starting.IsCompleted);

            var migrated = await RunMigrateCommandAsync(provider, database);
            Assert.True(migrated.ExitCode == 0, migrated.Output);
            Assert.Contains($"applied {MigrationCount(provider)} migration(s)", migrated.Output, StringComparison.Ordinal);
            await starting.WaitAsync(TimeSpan.FromSeconds(60));
            var created = await host.CreateActiveAsync(OrganizationHost.Unique("Radio Okapi"), "CD");
            Assert.StartsWith("org_", created.Id, StringComparison.Ordinal);
        }
        finally
        {
            await DropAsync(provider, database);
        }
    }

    [Fact]
    public async Task On_PostgreSQL_start_up_waits_for_the_database_and_health_follows_it_down_and_back_without_a_restart()
    {
        await TestPostgres.AdminConnectionStringAsync();
        var port = FreePort();
        await using var postgres = new PostgreSqlBuilder(TestPostgres.Image)
            .WithPortBinding(port, PostgreSqlBuilder.PostgreSqlPort)
            .WithDatabase("organization")
            .Build();
        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = port, Database = "organization", Username = "postgres", Password = "postgres", Timeout = 3,
        }.ToString();
        await using var host = new OrganizationHost();
        host.UsePostgres(connectionString);

        // The service starts before its database does, and keeps trying instead of failing.
        var starting = Task.Run(() => host.Server);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.False(starting.IsCompleted);
        await postgres.StartAsync();
        await starting.WaitAsync(TimeSpan.FromSeconds(90));

        var health = new Health.HealthClient(host.Anonymous());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);
        var kept = await host.CreateActiveAsync(OrganizationHost.Unique("Radio Mozambique"), "MZ");

        await postgres.StopAsync();
        // The readiness answer is reused for a second: NOT_SERVING within that and the check's timeout.
        var down = Stopwatch.StartNew();
        var reported = (await health.CheckAsync(new HealthCheckRequest())).Status;
        while (reported == HealthCheckResponse.Types.ServingStatus.Serving && down.Elapsed < DatabaseHealthCheck<OrganizationDbContext>.FreshFor + DatabaseRegistration.HealthCheckTimeout)
        {
            await Task.Delay(100);
            reported = (await health.CheckAsync(new HealthCheckRequest())).Status;
        }

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, reported);
        var refused = await Assert.ThrowsAsync<RpcException>(() => host.ClientAs(kept.Id).GetOrganizationAsync(new V1.GetOrganizationRequest { Id = kept.Id }).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.DoesNotContain("Npgsql", refused.Status.Detail, StringComparison.Ordinal);

        await postgres.StartAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var status = HealthCheckResponse.Types.ServingStatus.Unknown;
        while (DateTime.UtcNow < deadline && status != HealthCheckResponse.Types.ServingStatus.Serving)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            status = (await health.CheckAsync(new HealthCheckRequest())).Status;
        }

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, status);
        var again = await RetryUntilServedAsync(() => host.ClientAs(kept.Id).GetOrganizationAsync(new V1.GetOrganizationRequest { Id = kept.Id }).ResponseAsync);
        Assert.Equal(kept.Names[0].Text, again.Organization.Names[0].Text);
    }

    private static OrganizationHost On(OrganizationHost host, string provider, string database)
    {
        if (provider == "Postgres")
        {
            host.UsePostgres(database);
        }
        else
        {
            host.WithSetting("MediaMesh:Database:Provider", "Sqlite").WithSetting("ConnectionStrings:organization", database);
        }

        return host;
    }

    private static async Task<string> NewDatabaseAsync(string provider) => provider == "Postgres"
        ? await TestPostgres.CreateDatabaseAsync()
        : new SqliteConnectionStringBuilder { DataSource = Path.Combine(Path.GetTempPath(), $"mediamesh-migrate-{Guid.NewGuid():N}.db"), DefaultTimeout = 30 }.ToString();

    private static async Task DropAsync(string provider, string database)
    {
        if (provider == "Postgres")
        {
            await TestPostgres.DropDatabaseAsync(database);
        }
        else
        {
            SqliteConnection.ClearAllPools();
            File.Delete(new SqliteConnectionStringBuilder(database).DataSource);
        }
    }

    private static int MigrationCount(string provider) =>
        typeof(MediaMesh.Organizations.Persistence.OrganizationDbContext).Assembly.GetTypes().Count(t =>
            t.IsSubclassOf(typeof(Microsoft.EntityFrameworkCore.Migrations.Migration))
            && t.Namespace!.EndsWith(provider == "Postgres" ? ".Postgres" : ".Sqlite", StringComparison.Ordinal));

    private static async Task<long> HistoryRowsAsync(string provider, string database)
    {
        const string Sql = "SELECT COUNT(*) FROM \"__EFMigrationsHistory\"";
        if (provider == "Postgres")
        {
            await using var pg = new NpgsqlConnection(database);
            await pg.OpenAsync();
            await using var command = new NpgsqlCommand(Sql, pg);
            return (long)(await command.ExecuteScalarAsync())!;
        }

        await using var sqlite = new SqliteConnection(database);
        await sqlite.OpenAsync();
        await using var count = sqlite.CreateCommand();
        count.CommandText = Sql;
        return (long)(await count.ExecuteScalarAsync())!;
    }

    /// <summary>Runs the built service as a platform team would: <c>dotnet MediaMesh.Organization.dll migrate</c>.</summary>
    private static async Task<(int ExitCode, string Output)> RunMigrateCommandAsync(string provider, string database)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "MediaMesh.Organization.dll"), "migrate"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["MediaMesh__Database__Provider"] = provider;
        start.Environment["ConnectionStrings__organization"] = database;
        start.Environment["MediaMesh__InternalToken__Issuers__gateway__PublicKey"] = TestKeys.PublicKey(InternalTokenNames.Gateway);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await errors);
    }

    private static async Task<T> RetryUntilServedAsync<T>(Func<Task<T>> call)
    {
        // The first calls after a restart may meet pooled connections the restart broke: UNAVAILABLE, then served.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && attempt < 10)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(300));
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
