using MediaMesh.Exchange.Domain;
using MediaMesh.Exchange.Persistence;
using Microsoft.EntityFrameworkCore;

namespace MediaMesh.Exchange.Application;

/// <summary>
/// One event of the durable log as read, with who was involved with its item when it was read: the
/// organisations holding a licence of it and those that requested it (in any state). With these a
/// subscriber is judged in memory (<see cref="RightsPolicy.FeedReaches"/>), without a query of its own.
/// </summary>
public sealed record FeedEntry(OfferEvent Event, IReadOnlySet<string> Licensees, IReadOnlySet<string> Requesters)
{
    public long Cursor => Event.Cursor;

    public bool LicensedTo(string organizationId) => Licensees.Contains(organizationId);

    public bool Involves(string organizationId) => Licensees.Contains(organizationId) || Requesters.Contains(organizationId);
}

/// <summary>Reads the durable event log in cursor order, a page at a time, with the involvement of each page's items: three queries per page, whoever reads it.</summary>
public static class FeedLog
{
    public const int PageSize = 200;

    /// <summary>Tags the page's involvement queries (a comment in their SQL), so a reader of the command log can tell them apart.</summary>
    public const string InvolvementTag = "feed involvement";

    private static readonly IReadOnlySet<string> Nobody = new HashSet<string>(StringComparer.Ordinal);

    public static async Task<long> LatestCursorAsync(ExchangeDbContext db, CancellationToken ct) =>
        await db.OfferEvents.MaxAsync(e => (long?)e.Cursor, ct) ?? 0;

    public static async Task<IReadOnlyList<FeedEntry>> ReadPageAsync(ExchangeDbContext db, long afterCursor, CancellationToken ct)
    {
        var page = await db.OfferEvents.AsNoTracking().Where(e => e.Cursor > afterCursor).OrderBy(e => e.Cursor).Take(PageSize).ToListAsync(ct);
        if (page.Count == 0)
        {
            return [];
        }

        var offerIds = page.Select(e => e.OfferId).Distinct().ToArray();
        var licensees = await db.Licences.AsNoTracking().TagWith(InvolvementTag)
            .Where(l => offerIds.Contains(l.OfferId))
            .Select(l => new { l.OfferId, Organization = l.LicenseeId })
            .Distinct()
            .ToListAsync(ct);
        var requesters = await db.ContentRequests.AsNoTracking().TagWith(InvolvementTag)
            .Where(r => offerIds.Contains(r.OfferId))
            .Select(r => new { r.OfferId, Organization = r.RequesterId })
            .Distinct()
            .ToListAsync(ct);
        var licensed = licensees.GroupBy(l => l.OfferId).ToDictionary(g => g.Key, g => (IReadOnlySet<string>)g.Select(l => l.Organization).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        var requested = requesters.GroupBy(r => r.OfferId).ToDictionary(g => g.Key, g => (IReadOnlySet<string>)g.Select(r => r.Organization).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        return [.. page.Select(e => new FeedEntry(e, licensed.GetValueOrDefault(e.OfferId, Nobody), requested.GetValueOrDefault(e.OfferId, Nobody)))];
    }
}
