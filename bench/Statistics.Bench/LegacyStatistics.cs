using MediaMesh.Common.Geography;
using MediaMesh.Exchange.Application;
using MediaMesh.Exchange.Persistence;
using Microsoft.EntityFrameworkCore;

namespace MediaMesh.Statistics.Bench;

/// <summary>
/// The statistics as UsageLedger computed them before issue 10 item 7 (commit 5785bcf), kept here only
/// so the benchmark can time the old way against the new on the same data: every row of the counted
/// tables was read into memory and counted in C#; reciprocity scanned every licence once per member.
/// Not used by the service.
/// </summary>
internal sealed class LegacyStatistics(ExchangeDbContext db)
{
    private sealed record Party(string Id, WorldRegion Region, IReadOnlyList<string> Unions);

    public async Task<IReadOnlyList<StatisticsRow>> StatisticsAsync(StatisticsGrouping grouping, Period period, CancellationToken ct)
    {
        var offered = await db.Offers.AsNoTracking()
            .Where(o => o.PublishTime != null)
            .Where(o => period.From == null || o.PublishTime >= period.From)
            .Where(o => period.To == null || o.PublishTime < period.To)
            .Select(o => new { o.OwnerId, o.OwnerRegion, o.OwnerUnionIds })
            .ToListAsync(ct);
        var requested = await db.ContentRequests.AsNoTracking()
            .Where(r => period.From == null || r.CreateTime >= period.From)
            .Where(r => period.To == null || r.CreateTime < period.To)
            .Select(r => new { r.RequesterId, r.RequesterRegion, r.RequesterUnionIds })
            .ToListAsync(ct);
        var licences = await LicencesInAsync(period, ct);
        var uses = await UsesInAsync(period, ct);

        var rows = new Dictionary<string, long[]>(StringComparer.Ordinal);
        void Count(Party party, int column)
        {
            foreach (var key in KeysOf(party, grouping))
            {
                if (!rows.TryGetValue(key, out var counts))
                {
                    rows[key] = counts = new long[5];
                }

                counts[column]++;
            }
        }

        offered.ForEach(o => Count(new Party(o.OwnerId, o.OwnerRegion, o.OwnerUnionIds), 0));
        requested.ForEach(r => Count(new Party(r.RequesterId, r.RequesterRegion, r.RequesterUnionIds), 1));
        foreach (var (licensor, licensee) in licences)
        {
            Count(licensee, 2);
            Count(licensor, 3);
        }

        foreach (var (_, licensee) in uses)
        {
            Count(licensee, 4);
        }

        return rows.OrderBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => new StatisticsRow(r.Key, r.Value[0], r.Value[1], r.Value[2], r.Value[3], r.Value[4]))
            .ToArray();
    }

    public async Task<IReadOnlyList<FlowCell>> FlowMatrixAsync(StatisticsGrouping grouping, Period period, CancellationToken ct)
    {
        var cells = new Dictionary<(string From, string To), long[]>();
        void Count(IEnumerable<(Party Licensor, Party Licensee)> flows, int column)
        {
            foreach (var (licensor, licensee) in flows)
            {
                foreach (var from in KeysOf(licensor, grouping))
                {
                    foreach (var to in KeysOf(licensee, grouping))
                    {
                        if (!cells.TryGetValue((from, to), out var counts))
                        {
                            cells[(from, to)] = counts = new long[2];
                        }

                        counts[column]++;
                    }
                }
            }
        }

        Count(await LicencesInAsync(period, ct), 0);
        Count(await UsesInAsync(period, ct), 1);
        return cells.OrderBy(c => c.Key.From, StringComparer.Ordinal).ThenBy(c => c.Key.To, StringComparer.Ordinal)
            .Select(c => new FlowCell(c.Key.From, c.Key.To, c.Value[0], c.Value[1]))
            .ToArray();
    }

    public async Task<IReadOnlyList<ReciprocityRow>> ReciprocityAsync(string? organizationId, Period period, CancellationToken ct)
    {
        var licences = await LicencesInAsync(period, ct);
        var members = licences.SelectMany(l => new[] { l.Licensor.Id, l.Licensee.Id })
            .Where(id => string.IsNullOrEmpty(organizationId) || id == organizationId)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(organizationId) && !licences.Any(l => l.Licensor.Id == organizationId || l.Licensee.Id == organizationId))
        {
            return [new ReciprocityRow(organizationId, 0, 0, 0, 0)];
        }

        return members.Select(id =>
        {
            var given = licences.Where(l => l.Licensor.Id == id).ToArray();
            long taken = licences.Count(l => l.Licensee.Id == id);
            return new ReciprocityRow(id, given.Length, taken, taken == 0 ? given.Length : (double)given.Length / taken,
                given.Select(l => l.Licensee.Id).Distinct(StringComparer.Ordinal).Count());
        }).ToArray();
    }

    private static IEnumerable<string> KeysOf(Party party, StatisticsGrouping grouping) => grouping switch
    {
        StatisticsGrouping.Organization => [party.Id],
        StatisticsGrouping.Region => [UsageLedger.RegionKey(party.Region)],
        _ => party.Unions,
    };

    private async Task<List<(Party Licensor, Party Licensee)>> LicencesInAsync(Period period, CancellationToken ct) =>
        (await db.Licences.AsNoTracking()
            .Where(l => period.From == null || l.GrantTime >= period.From)
            .Where(l => period.To == null || l.GrantTime < period.To)
            .Select(l => new { l.LicensorId, l.LicensorRegion, l.LicensorUnionIds, l.LicenseeId, l.LicenseeRegion, l.LicenseeUnionIds })
            .ToListAsync(ct))
        .Select(l => (new Party(l.LicensorId, l.LicensorRegion, l.LicensorUnionIds), new Party(l.LicenseeId, l.LicenseeRegion, l.LicenseeUnionIds)))
        .ToList();

    private async Task<List<(Party Licensor, Party Licensee)>> UsesInAsync(Period period, CancellationToken ct) =>
        (await db.UsageReports.AsNoTracking()
            .Where(u => period.From == null || u.UseTime >= period.From)
            .Where(u => period.To == null || u.UseTime < period.To)
            .Select(u => new { u.LicensorId, u.LicensorRegion, u.LicensorUnionIds, u.LicenseeId, u.LicenseeRegion, u.LicenseeUnionIds })
            .ToListAsync(ct))
        .Select(u => (new Party(u.LicensorId, u.LicensorRegion, u.LicensorUnionIds), new Party(u.LicenseeId, u.LicenseeRegion, u.LicenseeUnionIds)))
        .ToList();
}
