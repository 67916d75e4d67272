using System.Diagnostics;
using System.Globalization;
using System.Text;
using MediaMesh.Exchange.Application;
using MediaMesh.Exchange.Persistence;
using MediaMesh.ServiceDefaults.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace MediaMesh.Statistics.Bench;

/// <summary>One statistics call, timed the new way (UsageLedger) and, where it can run, the old way.</summary>
internal sealed record StatsCall(
    string Name, Func<UsageLedger, Task<int>> New, Func<LegacyStatistics, Task<int>>? Old);

internal sealed record Timing(double MedianMs, double MinMs, double MaxMs, double AllocatedMb, int Rows);

/// <summary>
/// Seeds an exchange database with N licences (SQLite in a temp folder; PostgreSQL too when --postgres is
/// given) and times GetExchangeStatistics, GetFlowMatrix and GetReciprocity's application code. See bench/README.md.
/// </summary>
internal static class StatsBenchProgram
{
    public static async Task<int> Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        StatsBenchOptions options;
        try
        {
            options = StatsBenchOptions.Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }

        var report = new StringBuilder();
        report.AppendLine("# Exchange statistics at scale").AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"- Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC")
            .AppendLine(CultureInfo.InvariantCulture, $"- Machine: {Environment.ProcessorCount} cores, {Memory()}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}")
            .AppendLine(CultureInfo.InvariantCulture, $"- Command: `dotnet run -c Release --project bench/Statistics.Bench -- {string.Join(' ', args.Select(a => a.StartsWith("Host=", StringComparison.Ordinal) ? "\"<connection string>\"" : a))}`")
            .AppendLine(CultureInfo.InvariantCulture, $"- Data: {options.Licences:N0} licences (one request each), {options.Licences / 10:N0} offers, {options.Licences / 2:N0} usage reports, {options.Members} members in 7 regions and 8 unions, over three years")
            .AppendLine(CultureInfo.InvariantCulture, $"- Each call: a fresh DbContext, open period (every row counts); new code {options.Warmups} warm-up + {options.Runs} timed runs, old code {options.OldRuns} timed runs; median and min–max in ms; \"alloc\" is the managed memory allocated by one call")
            .AppendLine(CultureInfo.InvariantCulture, $"- Load average before: {LoadAverage()}")
            .AppendLine();

        var output = options.Output ?? Path.Combine(RepositoryRoot(), "bench", "results", "exchange-statistics.md");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await RunSqliteAsync(options, report);
        await WriteAsync(output, report); // after each database, so a long run leaves what it measured
        if (options.Postgres is { } postgres)
        {
            await RunPostgresAsync(options, postgres, report);
        }

        await WriteAsync(output, report);
        Console.WriteLine($"Report written to {Path.GetFullPath(output)}");
        return 0;
    }

    private static Task WriteAsync(string output, StringBuilder report) =>
        File.WriteAllTextAsync(output, report + $"Load average after: {LoadAverage()}\n");

    private static async Task RunSqliteAsync(StatsBenchOptions options, StringBuilder report)
    {
        var folder = Path.Combine(Path.GetTempPath(), "mediamesh-stats-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            var connection = new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "exchange.db"), Pooling = true, DefaultTimeout = 1800 }.ToString();
            var dbOptions = new DbContextOptionsBuilder<ExchangeDbContext>().UseSqlite(connection).Options;
            await using (var db = new ExchangeDbContext(dbOptions))
            {
                // What MigrateDatabaseAsync does at service start: migrations, then WAL.
                await db.Database.MigrateAsync();
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            }

            string version;
            await using (var probe = new SqliteConnection(connection))
            {
                await probe.OpenAsync();
                version = probe.ServerVersion;
            }

            await MeasureAsync($"SQLite {version}", options, () => new ExchangeDbContext(dbOptions), SeedDialect.Sqlite, report);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A fresh database on the given server, dropped afterwards.</summary>
    private static async Task RunPostgresAsync(StatsBenchOptions options, string connectionString, StringBuilder report)
    {
        var name = "mediamesh_stats_bench_" + Guid.NewGuid().ToString("N")[..8];
        await using (var admin = new NpgsqlConnection(connectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        try
        {
            var connection = new NpgsqlConnectionStringBuilder(connectionString) { Database = name, CommandTimeout = 1800 }.ToString();
            var dbOptions = new DbContextOptionsBuilder<PostgresExchangeDbContext>().UseNpgsql(connection).Options;
            string version;
            await using (var db = new PostgresExchangeDbContext(dbOptions))
            {
                await db.Database.MigrateAsync();
                version = await db.Database.SqlQueryRaw<string>("SELECT current_setting('server_version') AS \"Value\"").SingleAsync();
            }

            await MeasureAsync($"PostgreSQL {version}", options, () => new PostgresExchangeDbContext(dbOptions), SeedDialect.Postgres, report,
                afterSeed: db => db.Database.ExecuteSqlRawAsync("ANALYZE"));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(connectionString);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static async Task MeasureAsync(
        string database, StatsBenchOptions options, Func<ExchangeDbContext> newContext, SeedDialect dialect, StringBuilder report, Func<ExchangeDbContext, Task>? afterSeed = null)
    {
        Console.WriteLine($"{database}: seeding {options.Licences:N0} licences...");
        StatsSeed seed;
        await using (var db = newContext())
        {
            seed = await new StatsSeeder(db, dialect).SeedAsync(options.Members, options.Licences, CancellationToken.None);
            if (afterSeed is not null)
            {
                await afterSeed(db);
            }
        }

        Console.WriteLine($"  seeded in {seed.Elapsed.TotalSeconds:F1} s");
        var coordinator = new CallerIdentity("org_coordinator", CallerRoles.Coordinator);
        var member = new CallerIdentity(StatsSeeder.MemberId(3), CallerRoles.Member);
        var open = new Period(null, null);
        var runOld = options.OldLicences >= options.Licences && options.OldRuns > 0;
        var calls = new StatsCall[]
        {
            new("GetExchangeStatistics ORGANIZATION (coordinator)", l => Rows(l.StatisticsAsync(coordinator, StatisticsGrouping.Organization, open, default)),
                o => Rows(o.StatisticsAsync(StatisticsGrouping.Organization, open, default))),
            new("GetExchangeStatistics ORGANIZATION (member: own row)", l => Rows(l.StatisticsAsync(member, StatisticsGrouping.Organization, open, default)), null),
            new("GetExchangeStatistics REGION", l => Rows(l.StatisticsAsync(member, StatisticsGrouping.Region, open, default)),
                o => Rows(o.StatisticsAsync(StatisticsGrouping.Region, open, default))),
            new("GetExchangeStatistics UNION", l => Rows(l.StatisticsAsync(member, StatisticsGrouping.Union, open, default)),
                o => Rows(o.StatisticsAsync(StatisticsGrouping.Union, open, default))),
            new("GetFlowMatrix REGION", l => Rows(l.FlowMatrixAsync(member, StatisticsGrouping.Region, open, default)),
                o => Rows(o.FlowMatrixAsync(StatisticsGrouping.Region, open, default))),
            new("GetFlowMatrix UNION", l => Rows(l.FlowMatrixAsync(member, StatisticsGrouping.Union, open, default)),
                o => Rows(o.FlowMatrixAsync(StatisticsGrouping.Union, open, default))),
            new("GetReciprocity all (coordinator)", l => Rows(l.ReciprocityAsync(coordinator, null, open, default)),
                o => Rows(o.ReciprocityAsync(null, open, default))),
            new("GetReciprocity one organisation", l => Rows(l.ReciprocityAsync(member, null, open, default)),
                o => Rows(o.ReciprocityAsync(member.OrganizationId, open, default))),
        };

        report.AppendLine(CultureInfo.InvariantCulture, $"## {database}").AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Seeded {seed.Offers:N0} offers, {seed.Requests:N0} requests, {seed.Licences:N0} licences, {seed.Uses:N0} usage reports in {seed.Elapsed.TotalSeconds:F0} s.").AppendLine()
            .AppendLine("| Call | rows | new median (min–max) ms | new alloc MB | old median (min–max) ms | old alloc MB |")
            .AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var call in calls)
        {
            var fresh = await TimeAsync(options.Warmups, options.Runs, async () =>
            {
                await using var db = newContext();
                return await call.New(new UsageLedger(db, TimeProvider.System));
            });
            Console.WriteLine($"  {call.Name,-55} new {fresh.MedianMs,10:F1} ms ({fresh.Rows} rows, {fresh.AllocatedMb:F1} MB)");
            var old = "—";
            var oldAlloc = "—";
            if (runOld && call.Old is { } legacy)
            {
                var before = await TimeAsync(0, options.OldRuns, async () =>
                {
                    await using var db = newContext();
                    return await legacy(new LegacyStatistics(db));
                });
                Console.WriteLine($"  {call.Name,-55} old {before.MedianMs,10:F1} ms ({before.Rows} rows, {before.AllocatedMb:F1} MB)");
                old = $"{before.MedianMs:F0} ({before.MinMs:F0}–{before.MaxMs:F0})";
                oldAlloc = $"{before.AllocatedMb:F0}";
            }

            report.AppendLine(CultureInfo.InvariantCulture, $"| {call.Name} | {fresh.Rows} | {fresh.MedianMs:F1} ({fresh.MinMs:F1}–{fresh.MaxMs:F1}) | {fresh.AllocatedMb:F2} | {old} | {oldAlloc} |");
        }

        report.AppendLine();
    }

    private static async Task<int> Rows<T>(Task<IReadOnlyList<T>> call) => (await call).Count;

    private static async Task<Timing> TimeAsync(int warmups, int runs, Func<Task<int>> call)
    {
        for (var i = 0; i < warmups; i++)
        {
            await call();
        }

        var times = new List<double>();
        var allocated = new List<double>();
        var rows = 0;
        for (var i = 0; i < runs; i++)
        {
            var bytes = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            rows = await call();
            times.Add(clock.Elapsed.TotalMilliseconds);
            allocated.Add((GC.GetTotalAllocatedBytes(precise: true) - bytes) / 1024.0 / 1024.0);
            GC.Collect();
        }

        times.Sort();
        allocated.Sort();
        return new Timing(times[times.Count / 2], times[0], times[^1], allocated[allocated.Count / 2], rows);
    }

    private static string Memory() =>
        File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").First().Replace("MemTotal:", string.Empty, StringComparison.Ordinal).Trim() + " memory" : "unknown memory";

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MediaMesh.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
