using System.Text.RegularExpressions;
using MediaMesh.Common.Audit;
using MediaMesh.Common.Errors;
using MediaMesh.Common.Geography;
using MediaMesh.Common.Paging;
using MediaMesh.Exchange.Domain;
using MediaMesh.Exchange.Persistence;
using MediaMesh.ServiceDefaults.Audit;
using MediaMesh.ServiceDefaults.Identity;
using Microsoft.EntityFrameworkCore;

namespace MediaMesh.Exchange.Application;

public enum StatisticsGrouping
{
    Organization = 1,
    Union = 2,
    Region = 3,
}

/// <summary>A half-open period [From, To); null ends are open.</summary>
public sealed record Period(DateTime? From, DateTime? To);

public sealed record StatisticsRow(string Key, long Offered, long Requested, long LicensedIn, long LicensedOut, long Used);

public sealed record FlowCell(string From, string To, long Licences, long Uses);

public sealed record ReciprocityRow(string OrganizationId, long Given, long Taken, double Ratio, long PartnersReached);

/// <summary>
/// Usage reports and the exchange balance. Every figure is computed from this service's own rows,
/// which carry the parties' regions and unions as they were when the licence was granted.
/// </summary>
public sealed partial class UsageLedger(ExchangeDbContext db, TimeProvider clock)
{
    private sealed record Party(string Id, WorldRegion Region, IReadOnlyList<string> Unions);

    public async Task<UsageReport> ReportAsync(
        CallerIdentity caller, string licenceId, string requestId, UsageKind use, string country, DateTime useTime, string channel, long audience, CancellationToken ct)
    {
        var licence = await db.Licences.AsNoTracking().SingleOrDefaultAsync(l => l.Id == licenceId, ct);
        if (licence is null || !(caller.MayActFor(licence.LicensorId) || caller.OrganizationId == licence.LicenseeId))
        {
            throw new ResourceNotFoundException("Licence", licenceId);
        }

        if (caller.OrganizationId != licence.LicenseeId)
        {
            throw new PermissionDeniedException("Only the licensee may report usage of a licence.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (useTime > now.AddMinutes(5))
        {
            throw new PreconditionFailedException("Usage can only be reported once it has happened (use_time is in the future).", "USE_TIME", licenceId);
        }

        if (requestId.Length > 0 && await SameReportAsync(licence.LicenseeId, requestId, licenceId, use, country, useTime, ct) is { } earlier)
        {
            return earlier;
        }

        var offer = await db.Offers.AsNoTracking().SingleAsync(o => o.Id == licence.OfferId, ct);
        var report = UsageReport.Record(Ids.NewUsageReportId(), licence, OfferTerms.Of(offer), requestId, use, country, useTime, channel, audience, now);
        db.UsageReports.Add(report);
        db.RecordAudit(caller, ExchangeAuditActions.UsageReported, $"{use} in {country} at {useTime:O}" + (channel.Length > 0 ? $" on {channel}" : string.Empty), now,
            [AuditSubject.Licence(licence.Id), AuditSubject.Offer(licence.OfferId), AuditSubject.Organization(licence.LicenseeId), AuditSubject.Organization(licence.LicensorId)]);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (requestId.Length > 0)
        {
            // The same report sent twice at once: the other copy was stored first.
            db.ChangeTracker.Clear();
            return await SameReportAsync(licence.LicenseeId, requestId, licenceId, use, country, useTime, ct) ?? throw new AlreadyExistsException(
                $"request_id '{requestId}' was already used for another usage report.");
        }

        return report;
    }

    /// <summary>The report a licensee already sent with <paramref name="requestId"/>; refused if that key named another use.</summary>
    private async Task<UsageReport?> SameReportAsync(string licenseeId, string requestId, string licenceId, UsageKind use, string country, DateTime useTime, CancellationToken ct)
    {
        var earlier = await db.UsageReports.AsNoTracking().SingleOrDefaultAsync(u => u.LicenseeId == licenseeId && u.RequestId == requestId, ct);
        if (earlier is not null && (earlier.LicenceId != licenceId || earlier.Use != use || earlier.CountryCode != country || earlier.UseTime != useTime))
        {
            throw new AlreadyExistsException($"request_id '{requestId}' was already used for another usage report ({earlier.Id}).");
        }

        return earlier;
    }

    public async Task<PageResult<UsageReport>> ListAsync(CallerIdentity caller, string? licenceId, string? offerId, PageRequest page, string fingerprint, CancellationToken ct)
    {
        IQueryable<UsageReport> rows = db.UsageReports.AsNoTracking();
        if (!string.IsNullOrEmpty(licenceId))
        {
            var licence = await db.Licences.AsNoTracking().SingleOrDefaultAsync(l => l.Id == licenceId, ct);
            if (licence is null || !(caller.MayActFor(licence.LicensorId) || caller.OrganizationId == licence.LicenseeId))
            {
                throw new ResourceNotFoundException("Licence", licenceId);
            }

            rows = rows.Where(u => u.LicenceId == licenceId);
        }
        else
        {
            var offer = await db.Offers.AsNoTracking().SingleOrDefaultAsync(o => o.Id == offerId, ct);
            if (!caller.MaySee(offer))
            {
                throw new ResourceNotFoundException("Offer", offerId ?? string.Empty);
            }

            rows = rows.Where(u => u.OfferId == offerId);
            if (!caller.MayActFor(offer!.OwnerId))
            {
                // A licensee sees its own reports of someone else's item, not its competitors'.
                var me = caller.OrganizationId;
                rows = rows.Where(u => u.LicenseeId == me);
            }
        }

        if (page.After is { } after)
        {
            rows = rows.Where(u => u.Id.CompareTo(after.Id) < 0);
        }

        var fetched = await rows.OrderByDescending(u => u.Id).Take(page.PageSize + 1).ToListAsync(ct);
        return PageResult.From(fetched, page, fingerprint, u => new PageCursor(string.Empty, u.Id));
    }

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

    /// <summary>The proto enum name of a region, e.g. "REGION_ARAB_STATES": the key statistics use.</summary>
    public static string RegionKey(WorldRegion region) => "REGION_" + WordBoundary().Replace(region.ToString(), "_$1").ToUpperInvariant();

    private static IEnumerable<string> KeysOf(Party party, StatisticsGrouping grouping) => grouping switch
    {
        StatisticsGrouping.Organization => [party.Id],
        StatisticsGrouping.Region => [RegionKey(party.Region)],
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

    [GeneratedRegex("(?<=[a-z])([A-Z])")]
    private static partial Regex WordBoundary();
}
