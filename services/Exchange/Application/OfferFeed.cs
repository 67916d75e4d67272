using MediaMesh.Common.Geography;
using MediaMesh.Exchange.Domain;
using MediaMesh.Exchange.Persistence;
using Microsoft.EntityFrameworkCore;
using MediaMesh.ServiceDefaults.Identity;
using Microsoft.Extensions.Options;

namespace MediaMesh.Exchange.Application;

/// <summary>Which events a subscriber receives; empty lists match everything.</summary>
public sealed record FeedFilter(
    IReadOnlyList<OfferType> Types, IReadOnlyList<WorldRegion> OwnerRegions, IReadOnlyList<string> Languages, IReadOnlyList<string> Subjects, bool LicensedOnly)
{
    public bool Matches(OfferSnapshot offer, IReadOnlySet<string> licensedOfferIds)
    {
        var content = offer.Content;
        if (Types.Count > 0 && !Types.Contains(content.Type))
        {
            return false;
        }

        if (OwnerRegions.Count > 0 && !OwnerRegions.Contains(offer.OwnerRegion))
        {
            return false;
        }

        if (Languages.Count > 0)
        {
            var languages = content.AudioLanguages.Concat(content.SubtitleLanguages).SelectMany(l => new[] { l, l.Split('-')[0] });
            if (!languages.Intersect(Languages, StringComparer.OrdinalIgnoreCase).Any())
            {
                return false;
            }
        }

        if (Subjects.Count > 0 && !content.Subjects.Intersect(Subjects, StringComparer.Ordinal).Any())
        {
            return false;
        }

        return !LicensedOnly || licensedOfferIds.Contains(offer.Id);
    }
}

/// <summary>
/// Streams the durable event log to one subscriber: first everything after its cursor, in order and
/// in pages, then live events as they are committed; only events the rights let it see
/// (<see cref="RightsPolicy.FeedReaches"/>) (woken by <see cref="FeedNotifier"/>, with a
/// polling fallback), and a heartbeat whenever nothing was sent for the heartbeat interval.
/// The subscriber is re-checked while the feed runs (<see cref="CallerStandings"/>): a revoked key,
/// a suspended organisation or a removed coordinator role ends the stream, and each event is judged
/// with the subscriber's standing as last re-checked (its country now) and its licences and requests now.
/// </summary>
public sealed class OfferFeed(ExchangeDbContext db, FeedNotifier notifier, MemberDirectory members, CallerStandings standings, TimeProvider clock, IOptions<ExchangeOptions> options)
{
    private const int PageSize = 200;

    public async Task<long> LatestCursorAsync(CancellationToken ct) =>
        await db.OfferEvents.MaxAsync(e => (long?)e.Cursor, ct) ?? 0;

    public async Task RunAsync(
        CallerIdentity caller, long afterCursor, bool fromBeginning, FeedFilter filter,
        Func<OfferEvent, Task> sendEvent, Func<long, DateTime, Task> sendHeartbeat, CancellationToken ct)
    {
        var subscriber = caller.IsCoordinator
            ? FeedAudience.Everything(caller.OrganizationId)
            : FeedAudience.Of(caller.OrganizationId, (await members.RequireActiveAsync(caller.OrganizationId, ct)).CountryCode);
        var recheck = standings.Recheck(caller, standing => subscriber = caller.IsCoordinator
            ? FeedAudience.Everything(caller.OrganizationId)
            : FeedAudience.Of(caller.OrganizationId, standing.Profile.CountryCode));
        var heartbeat = options.Value.FeedHeartbeatInterval;
        var poll = options.Value.FeedPollInterval;
        var cursor = fromBeginning ? 0 : afterCursor > 0 ? afterCursor : await LatestCursorAsync(ct);
        var lastSent = clock.GetTimestamp();
        while (!ct.IsCancellationRequested)
        {
            await recheck.DueAsync(ct);
            var wake = notifier.Current;
            var page = await db.OfferEvents.AsNoTracking().Where(e => e.Cursor > cursor).OrderBy(e => e.Cursor).Take(PageSize).ToListAsync(ct);
            if (page.Count > 0)
            {
                var (licensed, requested) = await InvolvementAsync(subscriber.OrganizationId, page, ct);
                foreach (var entry in page)
                {
                    if (filter.Matches(entry.Snapshot, licensed)
                        && RightsPolicy.FeedReaches(entry.Snapshot, subscriber, licensed.Contains(entry.OfferId) || requested.Contains(entry.OfferId)))
                    {
                        await sendEvent(entry);
                        lastSent = clock.GetTimestamp();
                    }

                    cursor = entry.Cursor;
                }

                if (page.Count == PageSize)
                {
                    continue;
                }
            }

            var untilHeartbeat = heartbeat - clock.GetElapsedTime(lastSent);
            if (untilHeartbeat <= TimeSpan.Zero)
            {
                await sendHeartbeat(cursor, clock.GetUtcNow().UtcDateTime);
                lastSent = clock.GetTimestamp();
                continue;
            }

            var wait = untilHeartbeat < poll ? untilHeartbeat : poll;
            try
            {
                await wake.WaitAsync(wait, clock, ct);
            }
            catch (TimeoutException)
            {
                // Nothing signalled: poll the log again (another instance may have written) or send a heartbeat.
            }
        }

        ct.ThrowIfCancellationRequested();
    }

    /// <summary>The offers of the page the subscriber holds a licence of, and those it has requested (in any state), as they are now.</summary>
    private async Task<(IReadOnlySet<string> Licensed, IReadOnlySet<string> Requested)> InvolvementAsync(
        string subscriberId, IReadOnlyList<OfferEvent> page, CancellationToken ct)
    {
        var offerIds = page.Select(e => e.OfferId).Distinct().ToArray();
        var held = await db.Licences.AsNoTracking()
            .Where(l => l.LicenseeId == subscriberId && offerIds.Contains(l.OfferId))
            .Select(l => l.OfferId)
            .ToListAsync(ct);
        var asked = await db.ContentRequests.AsNoTracking()
            .Where(r => r.RequesterId == subscriberId && offerIds.Contains(r.OfferId))
            .Select(r => r.OfferId)
            .Distinct()
            .ToListAsync(ct);
        return (held.ToHashSet(StringComparer.Ordinal), asked.ToHashSet(StringComparer.Ordinal));
    }
}
