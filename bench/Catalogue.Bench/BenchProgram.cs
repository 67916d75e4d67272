using System.Globalization;
using MediaMesh.Common.Geography;
using MediaMesh.Exchange.Domain;
using MediaMesh.Exchange.Persistence;
using MediaMesh.ServiceDefaults.Identity;
using Microsoft.EntityFrameworkCore;

namespace MediaMesh.Catalogue.Bench;

/// <summary>
/// Seeds an exchange database (the service's DbContext and migrations, SQLite or PostgreSQL) with N offers
/// and times CatalogueService.SearchOffers' application code path on it. See bench/README.md.
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

        await using var database = await BenchDatabase.OpenAsync(options);
        return await RunAsync(options, database);
    }

    private static async Task<int> RunAsync(BenchOptions options, BenchDatabase database)
    {
        string lastMigration;
        await using (var db = database.NewContext())
        {
            lastMigration = db.Database.GetMigrations().Last();
        }

        var key = options.SeedKey(lastMigration);
        var random = new Random(options.Seed);
        var members = new Members(random, options.Members, options.Initiatives);
        var (seed, now) = options.Reuse && SeedMarker.Read(database.MarkerPath, key) is { } cached
            ? cached
            : await SeedAsync(options, database, members, random, key);
        Console.WriteLine($"{database.Description}: {seed.Offers:N0} offers, {seed.Tags:N0} tags, {seed.Renditions:N0} renditions, {seed.Licences:N0} licences " +
                          $"(seeded in {seed.Elapsed.TotalSeconds:F1} s{(seed.Reused ? ", reused" : string.Empty)}).");
        await CheckRoundTripAsync(database);
        await using (var db = database.NewContext())
        {
            await database.BeforeTimingAsync(db);
        }

        var caller = new CallerIdentity(members.All.First(m => m.Region == WorldRegion.Africa && m.CountryCode != "KE").Id, CallerRoles.Member);
        var runner = new SearchRunner(database, caller);
        var loadBefore = LoadAverage();
        var results = new List<QueryResult>();
        foreach (var query in BenchQuery.Representative(members, now)
            .Where(q => options.Only is null || q.Name.Contains(options.Only, StringComparison.OrdinalIgnoreCase)))
        {
            var result = await runner.MeasureAsync(query, options.Warmups, query.Pages > 1 ? options.PageRuns : options.Runs);
            results.Add(result);
            Console.WriteLine($"{query.Name,-55} p50 {result.MedianMs,7:F2}  p95 {result.P95Ms,7:F2}  p99 {result.P99Ms,7:F2} ms/page  rows {result.RowsReturned,5}  statements {result.Commands.Count}");
        }

        var report = ReportWriter.Write(options, database, seed, results, LoadAverage(), loadBefore);
        var output = options.Output ?? Path.Combine(RepositoryRoot(), "bench", "results",
            options.Provider == BenchProvider.Sqlite ? "catalogue-search.md" : "catalogue-search-postgres.md");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, report);
        Console.WriteLine($"Report written to {Path.GetFullPath(output)}");
        return 0;
    }

    private static async Task<(SeedCounts Seed, DateTime Now)> SeedAsync(BenchOptions options, BenchDatabase database, Members members, Random random, string key)
    {
        await database.ResetAsync();

        // What MigrateDatabaseAsync does at service start: migrations (then WAL on SQLite).
        await using (var db = database.NewContext())
        {
            await db.Database.MigrateAsync();
            await database.AfterMigrateAsync(db);
        }

        var now = DateTime.UtcNow;
        SeedCounts seed;
        await using (var db = database.NewContext())
        await using (var connection = database.NewConnection())
        {
            await connection.OpenAsync();
            Console.WriteLine($"Seeding {options.Offers:N0} offers into {database.Description} ({members})...");
            seed = new CatalogueSeeder(db, connection, members, random, now).Seed(options.Offers, done =>
            {
                if (done % 20_000 == 0 || done == options.Offers)
                {
                    Console.WriteLine($"  {done:N0}");
                }
            });
            await database.AfterSeedAsync(db);
        }

        if (options.Reuse)
        {
            SeedMarker.Write(database.MarkerPath, key, seed, now);
        }

        return (seed, now);
    }

    /// <summary>The bulk-inserted rows must read back through EF exactly as the domain built them, and be found by the text index.</summary>
    private static async Task CheckRoundTripAsync(BenchDatabase database)
    {
        await using var db = database.NewContext();
        var offer = await db.Offers.AsNoTracking().Include(o => o.Tags).OrderByDescending(o => o.UpdateTime).FirstAsync(o => o.State == OfferState.Offered);
        if (offer.Tags.Count == 0 || offer.Content.Headlines.Count == 0 || offer.SearchText != offer.Content.SearchText()
            || offer.Tags.Any(t => t.UpdateTime != offer.UpdateTime))
        {
            throw new InvalidOperationException($"Seeded offer {offer.Id} did not read back as written.");
        }

        var words = SearchWords.OfQuery(offer.Content.Headlines[0].Text);
        var found = await (await db.OffersWithWordsAsync(words, orderedElsewhere: false, CancellationToken.None)).AnyAsync(o => o.Id == offer.Id);
        if (!found)
        {
            throw new InvalidOperationException($"The text index does not find seeded offer {offer.Id} by its headline.");
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

/// <summary>What a cached database was seeded with (--reuse): the key it must match, the counts and the seeding time.</summary>
internal static class SeedMarker
{
    public static (SeedCounts Seed, DateTime Now)? Read(string path, string key)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var parts = File.ReadAllText(path).Trim().Split('|');
        if (parts.Length != 10 || parts[0] != key)
        {
            return null;
        }

        long L(int i) => long.Parse(parts[i], CultureInfo.InvariantCulture);
        var seed = new SeedCounts((int)L(1), L(2), (int)L(3), (int)L(4), (int)L(5), (int)L(6), TimeSpan.FromTicks(L(7))) { Reused = true };
        return (seed, new DateTime(L(8), DateTimeKind.Utc));
    }

    public static void Write(string path, string key, SeedCounts s, DateTime now) => File.WriteAllText(path, string.Join('|',
        key, s.Offers, s.Tags, s.Renditions, s.Requests, s.Licences, s.Versions, s.Elapsed.Ticks, now.Ticks, "end"));
}
