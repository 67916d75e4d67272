using System.Globalization;
using MediaMesh.Common.Geography;
using MediaMesh.Exchange.Domain;
using MediaMesh.Exchange.Persistence;
using MediaMesh.ServiceDefaults.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace MediaMesh.Catalogue.Bench;

/// <summary>
/// Seeds an exchange database (the service's DbContext and migrations, in a temp folder) with N
/// offers and times CatalogueService.SearchOffers' application code path on it. See bench/README.md.
/// </summary>
internal static class BenchProgram
{
    public static async Task<int> Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }

        var folder = Path.Combine(Path.GetTempPath(), "mediamesh-catalogue-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "exchange.db"), Pooling = true, DefaultTimeout = 30 }.ToString();
        try
        {
            return await RunAsync(options, connectionString);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (options.Keep)
            {
                Console.WriteLine($"Database kept at {folder}");
            }
            else
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static async Task<int> RunAsync(BenchOptions options, string connectionString)
    {
        var capture = new SqlCapture();
        var dbOptions = new DbContextOptionsBuilder<ExchangeDbContext>().UseSqlite(connectionString).AddInterceptors(capture).Options;

        // What MigrateDatabaseAsync does at service start: migrations, then WAL.
        await using (var db = new ExchangeDbContext(dbOptions))
        {
            await db.Database.MigrateAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }

        var random = new Random(options.Seed);
        var members = new Members(random, options.Members, options.Initiatives);
        var now = DateTime.UtcNow;
        SeedCounts seed;
        string sqliteVersion;
        await using (var db = new ExchangeDbContext(dbOptions))
        await using (var connection = new SqliteConnection(connectionString))
        {
            await connection.OpenAsync();
            sqliteVersion = connection.ServerVersion;
            Console.WriteLine($"Seeding {options.Offers:N0} offers ({members})...");
            seed = new CatalogueSeeder(db, connection, members, random, now).Seed(options.Offers, done =>
            {
                if (done % 20_000 == 0 || done == options.Offers)
                {
                    Console.WriteLine($"  {done:N0}");
                }
            });
        }

        Console.WriteLine($"Seeded in {seed.Elapsed.TotalSeconds:F1} s: {seed.Tags:N0} tags, {seed.Renditions:N0} renditions, {seed.Licences:N0} licences.");
        await CheckRoundTripAsync(dbOptions);

        var caller = new CallerIdentity(members.All.First(m => m.Region == WorldRegion.Africa && m.CountryCode != "KE").Id, CallerRoles.Member);
        var runner = new SearchRunner(dbOptions, capture, caller);
        var loadBefore = LoadAverage();
        var results = new List<QueryResult>();
        foreach (var query in BenchQuery.Representative(members, now)
            .Where(q => options.Only is null || q.Name.Contains(options.Only, StringComparison.OrdinalIgnoreCase)))
        {
            var result = await runner.MeasureAsync(query, options.Warmups, query.Pages > 1 ? options.PageRuns : options.Runs);
            results.Add(result);
            Console.WriteLine($"{query.Name,-55} median {result.MedianMs,8:F1} ms  p95 {result.P95Ms,8:F1} ms  rows {result.RowsReturned,5}  statements {result.Commands.Count}");
        }

        var report = ReportWriter.Write(options, seed, results, c => QueryPlans.Explain(connectionString, c), sqliteVersion, loadBefore, LoadAverage());
        var output = options.Output ?? Path.Combine(RepositoryRoot(), "bench", "results", "catalogue-search.md");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, report);
        Console.WriteLine($"Report written to {Path.GetFullPath(output)}");
        return 0;
    }

    /// <summary>The bulk-inserted rows must read back through EF exactly as the domain built them.</summary>
    private static async Task CheckRoundTripAsync(DbContextOptions<ExchangeDbContext> dbOptions)
    {
        await using var db = new ExchangeDbContext(dbOptions);
        var offer = await db.Offers.AsNoTracking().Include(o => o.Tags).OrderByDescending(o => o.UpdateTime).FirstAsync(o => o.State == OfferState.Offered);
        if (offer.Tags.Count == 0 || offer.Content.Headlines.Count == 0 || offer.SearchText != offer.Content.SearchText())
        {
            throw new InvalidOperationException($"Seeded offer {offer.Id} did not read back as written.");
        }
    }

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
