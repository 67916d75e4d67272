using System.Diagnostics;
using System.Globalization;
using MediaMesh.Common.Geography;
using MediaMesh.Exchange.Domain;
using MediaMesh.Exchange.Persistence;
using Microsoft.EntityFrameworkCore;

namespace MediaMesh.Statistics.Bench;

/// <summary>What differs between the two databases when rows are generated in SQL.</summary>
internal sealed record SeedDialect(string Name, Func<long, string> Sequence, Func<string, string> SecondsToTime)
{
    /// <summary>SQLite: a recursive CTE counts, times are the text EF writes ("yyyy-MM-dd HH:mm:ss").</summary>
    public static readonly SeedDialect Sqlite = new(
        "SQLite",
        n => $"WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < {n - 1})",
        seconds => $"strftime('%Y-%m-%d %H:%M:%S', {seconds}, 'unixepoch')");

    public static readonly SeedDialect Postgres = new(
        "PostgreSQL",
        n => $"WITH seq(i) AS (SELECT generate_series(0, {n - 1}))",
        seconds => $"to_timestamp({seconds})");
}

internal sealed record StatsSeed(long Members, long Offers, long Requests, long Licences, long Uses, TimeSpan Elapsed);

/// <summary>
/// Seeds the counted tables fast: one row of each (an offer, a request, a licence, a usage report) is
/// written through the domain and EF, so every column holds what the service writes; then
/// <c>INSERT … SELECT</c> copies that template N times in the database, replacing ids, parties (with
/// their region and unions, from a member table the bench drops afterwards) and times. Offers: one per
/// ten licences; one request per licence; a usage report for every second licence. Times spread evenly
/// over three years; licensors follow their offers, licensees are spread so each licensor reaches many.
/// </summary>
internal sealed class StatsSeeder(ExchangeDbContext db, SeedDialect dialect)
{
    public const long FirstSecond = 1_704_067_200; // 2024-01-01T00:00:00Z
    public const long Span = 3L * 365 * 24 * 3600;

    public static readonly string[] Unions = [.. Enumerable.Range(0, 8).Select(u => $"org_union_{u:D2}")];

    public static string MemberId(int index) => $"org_member_{index:D4}";

    /// <summary>Region of member <paramref name="index"/>: weighted towards the Global South, as the mechanism is.</summary>
    public static WorldRegion RegionOf(int index) => (index % 10) switch
    {
        0 or 1 or 2 => WorldRegion.Africa,
        3 or 4 => WorldRegion.AsiaPacific,
        5 or 6 => WorldRegion.LatinAmericaCaribbean,
        7 => WorldRegion.ArabStates,
        8 => WorldRegion.CentralAsia,
        _ => (index / 10) % 2 == 0 ? WorldRegion.Europe : WorldRegion.NorthAmerica,
    };

    /// <summary>Unions of member <paramref name="index"/>: one for most, two for every fifth, none for every seventh.</summary>
    public static IReadOnlyList<string> UnionsOf(int index) => index % 7 == 0
        ? []
        : index % 5 == 0 ? [Unions[index % 8], Unions[(index + 3) % 8]] : [Unions[index % 8]];

    public async Task<StatsSeed> SeedAsync(int members, long licences, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var offers = Math.Max(1, licences / 10);
        var uses = licences / 2;
        await WriteTemplatesAsync(ct);
        await db.Database.ExecuteSqlRawAsync("CREATE TABLE bench_members (idx INTEGER PRIMARY KEY, id TEXT NOT NULL, region INTEGER NOT NULL, unions TEXT NOT NULL)", ct);
        for (var i = 0; i < members; i++)
        {
            var unions = "[" + string.Join(",", UnionsOf(i).Select(u => $"\"{u}\"")) + "]";
            await db.Database.ExecuteSqlAsync($"INSERT INTO bench_members (idx, id, region, unions) VALUES ({i}, {MemberId(i)}, {(int)RegionOf(i)}, {unions})", ct);
        }

        string Step(long rows) => (Span / rows).ToString(CultureInfo.InvariantCulture);
        var owner = $"m.idx = (i % {members})";
        await CopyAsync("offers", offers, $"JOIN bench_members m ON {owner}", new()
        {
            ["Id"] = "'off_' || i",
            ["OwnerId"] = "m.id",
            ["OwnerRegion"] = "m.region",
            ["OwnerUnionIds"] = "m.unions",
            ["CreateTime"] = dialect.SecondsToTime($"{FirstSecond} + i * {Step(offers)}"),
            ["UpdateTime"] = dialect.SecondsToTime($"{FirstSecond} + i * {Step(offers)} + 60"),
            ["PublishTime"] = dialect.SecondsToTime($"{FirstSecond} + i * {Step(offers)} + 60"),
        }, ct);

        // Licence i: of offer i % offers (so of its owner), taken by a member spread over the others.
        var parties = $"JOIN bench_members o ON o.idx = ((i % {offers}) % {members}) JOIN bench_members e ON e.idx = ((i * 7 + i / {offers} + 1) % {members})";
        var granted = dialect.SecondsToTime($"{FirstSecond} + i * {Step(licences)}");
        await CopyAsync("content_requests", licences, parties, new()
        {
            ["Id"] = "'req_' || i",
            ["OfferId"] = $"'off_' || (i % {offers})",
            ["RequesterId"] = "e.id",
            ["OwnerId"] = "o.id",
            ["RequesterRegion"] = "e.region",
            ["RequesterUnionIds"] = "e.unions",
            ["CreateTime"] = granted,
            ["UpdateTime"] = granted,
        }, ct);
        await CopyAsync("licences", licences, parties, new()
        {
            ["Id"] = "'lic_' || i",
            ["OfferId"] = $"'off_' || (i % {offers})",
            ["RequestId"] = "'req_' || i",
            ["LicenseeId"] = "e.id",
            ["LicensorId"] = "o.id",
            ["LicenseeRegion"] = "e.region",
            ["LicenseeUnionIds"] = "e.unions",
            ["LicensorRegion"] = "o.region",
            ["LicensorUnionIds"] = "o.unions",
            ["GrantTime"] = granted,
        }, ct);

        // Report i: of licence 2i, an hour after its grant.
        var licensed = $"JOIN bench_members o ON o.idx = (((2 * i) % {offers}) % {members}) JOIN bench_members e ON e.idx = ((2 * i * 7 + (2 * i) / {offers} + 1) % {members})";
        await CopyAsync("usage_reports", uses, licensed, new()
        {
            ["Id"] = "'use_' || i",
            ["LicenceId"] = "'lic_' || (2 * i)",
            ["OfferId"] = $"'off_' || ((2 * i) % {offers})",
            ["LicenseeId"] = "e.id",
            ["LicensorId"] = "o.id",
            ["LicenseeRegion"] = "e.region",
            ["LicenseeUnionIds"] = "e.unions",
            ["LicensorRegion"] = "o.region",
            ["LicensorUnionIds"] = "o.unions",
            ["UseTime"] = dialect.SecondsToTime($"{FirstSecond} + 2 * i * {Step(licences)} + 3600"),
            ["ReportTime"] = dialect.SecondsToTime($"{FirstSecond} + 2 * i * {Step(licences)} + 3700"),
        }, ct);

        await db.Database.ExecuteSqlRawAsync("DROP TABLE bench_members", ct);
        await DeleteTemplatesAsync(ct);
        return new StatsSeed(members, offers, licences, licences, uses, clock.Elapsed);
    }

    /// <summary>Copies the template row of <paramref name="table"/> <paramref name="rows"/> times, with <paramref name="replaced"/> columns computed per row.</summary>
    private async Task CopyAsync(string table, long rows, string joins, Dictionary<string, string> replaced, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var entity = db.Model.GetEntityTypes().Single(e => e.GetTableName() == table);
        var columns = entity.GetProperties().Select(p => p.GetColumnName()).ToArray();
        var values = columns.Select(c => replaced.TryGetValue(c, out var expression) ? expression : $"t.\"{c}\"");
        var sql = $"""
            {dialect.Sequence(rows)}
            INSERT INTO {table} ({string.Join(", ", columns.Select(c => $"\"{c}\""))})
            SELECT {string.Join(", ", values)}
            FROM seq CROSS JOIN {table} AS t {joins}
            WHERE t."Id" = 'template'
            """;
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
        var inserted = await db.Database.ExecuteSqlRawAsync(sql, ct);
        Console.WriteLine($"  {table}: {inserted:N0} rows in {clock.Elapsed.TotalSeconds:F1} s");
    }

    private async Task WriteTemplatesAsync(CancellationToken ct)
    {
        var now = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var owner = new MemberProfile(MemberId(0), "KE", WorldRegion.Africa, [Unions[0]]);
        var taker = new MemberProfile(MemberId(1), "BR", WorldRegion.LatinAmericaCaribbean, []);
        var content = new OfferContent
        {
            Uri = "urn:bench:template",
            Type = OfferType.NewsVideo,
            Headlines = [new LocalizedText("en", "Floods in the Rift Valley", true)],
            AudioLanguages = ["en"],
            Rights = new OfferRights { PermittedUses = [UsageKind.Broadcast], Approval = ApprovalMode.Auto },
        };
        var offer = Offer.Create("template", owner, content, now);
        offer.Publish(owner, now);
        var request = ContentRequest.Make("template", offer, taker, new LicenceAsk([UsageKind.Broadcast], ["BR"], now, null), "For our evening bulletin.", now);
        var licence = request.Approve("template", offer, automatically: true, now);
        var use = UsageReport.Record("template", licence, OfferTerms.Of(offer), string.Empty, UsageKind.Broadcast, "BR", now.AddHours(1), "TV", 1000, now.AddHours(1));
        db.AddRange(offer, request, licence, use);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }

    private async Task DeleteTemplatesAsync(CancellationToken ct)
    {
        foreach (var table in new[] { "usage_reports", "licences", "content_requests", "offer_tags", "offers" })
        {
            var key = table == "offer_tags" ? "OfferId" : "Id";
            var delete = $"DELETE FROM {table} WHERE \"{key}\" = 'template'";
            await db.Database.ExecuteSqlRawAsync(delete, ct);
        }
    }
}
