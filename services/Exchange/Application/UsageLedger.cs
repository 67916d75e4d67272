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
/// Usage reports and the exchange balance. Every figure is counted by the database (GROUP BY, see
/// <see cref="StatisticsQueries"/>) from this service's own rows, which carry the parties' regions and
/// unions as they were at the time of the write (the member profile the organization service gave).
/// </summary>
public sealed partial class UsageLedger(ExchangeDbContext db, TimeProvider clock)
{
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

    /// <summary>
    /// Offered, requested, licensed in/out and used per group, as <paramref name="caller"/> may see them
    /// (<see cref="StatisticsVisibility"/>): a member's ORGANIZATION grouping is its own row only.
    /// </summary>
    public async Task<IReadOnlyList<StatisticsRow>> StatisticsAsync(CallerIdentity caller, StatisticsGrouping grouping, Period period, CancellationToken ct)
    {
        var only = grouping == StatisticsGrouping.Organization ? StatisticsVisibility.OrganizationShownTo(caller, null) : null;
        var queries = new StatisticsQueries(db);
        var figures = new[]
        {
            await queries.CountAsync(CountedFacts.Offers, PartyColumns.Owner, grouping, period, only, ct),
            await queries.CountAsync(CountedFacts.Requests, PartyColumns.Requester, grouping, period, only, ct),
            await queries.CountAsync(CountedFacts.Licences, PartyColumns.Licensee, grouping, period, only, ct),
            await queries.CountAsync(CountedFacts.Licences, PartyColumns.Licensor, grouping, period, only, ct),
            await queries.CountAsync(CountedFacts.Uses, PartyColumns.Licensee, grouping, period, only, ct),
        };
        var byKey = figures.Select(f => f.ToDictionary(c => c.Key, StringComparer.Ordinal)).ToArray();
        return byKey.SelectMany(f => f.Keys).Distinct(StringComparer.Ordinal)
            .Where(key => StatisticsVisibility.MaySeeAggregate(caller, byKey.Select(f => ContributorsOf(f.GetValueOrDefault(key)))))
            .Select(key =>
            {
                long Count(int figure) => byKey[figure].GetValueOrDefault(key)?.Count ?? 0;
                return new StatisticsRow(KeyName(key, grouping), Count(0), Count(1), Count(2), Count(3), Count(4));
            })
            .OrderBy(r => r.Key, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>Licences and uses from the owners' group to the licensees' group, the cells the caller may see.</summary>
    public async Task<IReadOnlyList<FlowCell>> FlowMatrixAsync(CallerIdentity caller, StatisticsGrouping grouping, Period period, CancellationToken ct)
    {
        var queries = new StatisticsQueries(db);
        var licences = (await queries.CountFlowAsync(CountedFacts.Licences, grouping, period, ct)).ToDictionary(c => (c.FromKey, c.ToKey));
        var uses = (await queries.CountFlowAsync(CountedFacts.Uses, grouping, period, ct)).ToDictionary(c => (c.FromKey, c.ToKey));
        static IEnumerable<Contributors> Sides(PairCount? cell) => cell is null
            ? []
            : [new Contributors(cell.Licensors, cell.AnyLicensor), new Contributors(cell.Licensees, cell.AnyLicensee)];
        return licences.Keys.Union(uses.Keys)
            .Where(cell => StatisticsVisibility.MaySeeAggregate(caller, Sides(licences.GetValueOrDefault(cell)).Concat(Sides(uses.GetValueOrDefault(cell)))))
            .Select(cell => new FlowCell(KeyName(cell.FromKey, grouping), KeyName(cell.ToKey, grouping),
                licences.GetValueOrDefault(cell)?.Count ?? 0, uses.GetValueOrDefault(cell)?.Count ?? 0))
            .OrderBy(c => c.From, StringComparer.Ordinal).ThenBy(c => c.To, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>
    /// Given against taken per organisation: every organisation for a coordinator, only itself for a member
    /// (another organisation's id is PERMISSION_DENIED).
    /// </summary>
    public async Task<IReadOnlyList<ReciprocityRow>> ReciprocityAsync(CallerIdentity caller, string? organizationId, Period period, CancellationToken ct)
    {
        var only = StatisticsVisibility.OrganizationShownTo(caller, organizationId);
        var queries = new StatisticsQueries(db);
        var given = (await queries.CountAsync(CountedFacts.Licences, PartyColumns.Licensor, StatisticsGrouping.Organization, period, only, ct, distinct: "LicenseeId"))
            .ToDictionary(g => g.Key, StringComparer.Ordinal);
        var taken = (await queries.CountAsync(CountedFacts.Licences, PartyColumns.Licensee, StatisticsGrouping.Organization, period, only, ct))
            .ToDictionary(t => t.Key, t => t.Count, StringComparer.Ordinal);
        IEnumerable<string> members = only is null ? given.Keys.Union(taken.Keys) : [only];
        return members.Order(StringComparer.Ordinal).Select(id =>
        {
            var gave = given.GetValueOrDefault(id);
            long givenCount = gave?.Count ?? 0, takenCount = taken.GetValueOrDefault(id);
            return new ReciprocityRow(id, givenCount, takenCount, takenCount == 0 ? givenCount : (double)givenCount / takenCount, gave?.Organizations ?? 0);
        }).ToArray();
    }

    /// <summary>The proto enum name of a region, e.g. "REGION_ARAB_STATES": the key statistics use.</summary>
    public static string RegionKey(WorldRegion region) => "REGION_" + WordBoundary().Replace(region.ToString(), "_$1").ToUpperInvariant();

    private static Contributors ContributorsOf(GroupCount? figure) => figure is null ? Contributors.None : new Contributors(figure.Organizations, figure.AnyOrganization);

    /// <summary>The key a row is known by: region numbers (as the database groups them) become region names.</summary>
    private static string KeyName(string key, StatisticsGrouping grouping) =>
        grouping == StatisticsGrouping.Region ? RegionKey((WorldRegion)int.Parse(key, System.Globalization.CultureInfo.InvariantCulture)) : key;

    [GeneratedRegex("(?<=[a-z])([A-Z])")]
    private static partial Regex WordBoundary();
}
