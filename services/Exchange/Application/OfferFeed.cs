using MediaMesh.Common.Geography;
using MediaMesh.Exchange.Domain;
using MediaMesh.Exchange.Persistence;
using MediaMesh.ServiceDefaults.Identity;
using Microsoft.Extensions.Options;

namespace MediaMesh.Exchange.Application;

/// <summary>Which events a subscriber receives; empty lists match everything.</summary>
public sealed record FeedFilter(
    IReadOnlyList<OfferType> Types, IReadOnlyList<WorldRegion> OwnerRegions, IReadOnlyList<string> Languages, IReadOnlyList<string> Subjects, bool LicensedOnly)
{
    public bool Matches(OfferSnapshot offer, bool licensed)
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

        return !LicensedOnly || licensed;
    }
}

/// <summary>
/// Streams the durable event log to one subscriber: first everything after its cursor, in order, then
/// live events as they are committed; only events the rights let it see
/// (<see cref="RightsPolicy.FeedReaches"/>), and a heartbeat whenever nothing was sent for the heartbeat
/// interval. Live events come from the instance's one <see cref="FeedLogReader"/>; a subscriber whose
/// cursor is older than the reader's window (or that fell too far behind) reads the log itself, a page at
/// a time, until it reaches the window, then switches over: events are sent in cursor order, each once.
/// An idle subscriber costs no database query and no outbound call of its own.
/// The subscriber is re-checked while the feed runs (<see cref="StandingWatch"/>, shared by all streams
/// of the caller): a revoked key, a suspended organisation or a removed coordinator role ends the
/// stream, and each event is judged with the subscriber's standing as last re-checked (its country now)
/// and its licences and requests as they were when the event was read from the log.
/// </summary>
public sealed class OfferFeed(ExchangeDbContext db, FeedLogReader reader, MemberDirectory members, StandingWatch standings, TimeProvider clock, IOptions<ExchangeOptions> options)
{
    public Task<long> LatestCursorAsync(CancellationToken ct) => FeedLog.LatestCursorAsync(db, ct);

    /// <summary>
    /// The subscriber's home country: from its caller's shared standing when that says the
    /// organisation and key are in order (one look-up per caller, not per stream: many streams of one
    /// member start together), else looked up for this stream (with the refusal a new call gets).
    /// </summary>
    private async Task<string> CountryAsync(CallerIdentity caller, StandingWatch.Watch? watch, CancellationToken ct)
    {
        if (watch is not null && await watch.LatestAsync(ct) is { Active: true } standing
            && (caller.ApiKeyId.Length == 0 || standing.ApiKeyActive))
        {
            return standing.Profile.CountryCode;
        }

        return (await members.RequireActiveAsync(caller.OrganizationId, ct)).CountryCode;
    }

    public async Task RunAsync(
        CallerIdentity caller, long afterCursor, bool fromBeginning, FeedFilter filter,
        Func<OfferEvent, Task> sendEvent, Func<long, DateTime, Task> sendHeartbeat, CancellationToken ct)
    {
        using var watch = standings.Start(caller);
        var subscriber = caller.IsCoordinator
            ? FeedAudience.Everything(caller.OrganizationId)
            : FeedAudience.Of(caller.OrganizationId, await CountryAsync(caller, watch, ct));
        var standingChanged = watch?.Changed ?? Task.Delay(Timeout.Infinite, ct);
        var heartbeat = options.Value.FeedHeartbeatInterval;
        var cursor = fromBeginning ? 0 : afterCursor > 0 ? afterCursor : await LatestCursorAsync(ct);
        var lastSent = clock.GetTimestamp();
        FeedSubscription? live = null;
        Task? readable = null;

        void Rejudge()
        {
            if (watch is null || !standingChanged.IsCompleted)
            {
                return;
            }

            standingChanged = watch.Changed;
            if (watch.Require() is { } standing && !caller.IsCoordinator)
            {
                subscriber = FeedAudience.Of(caller.OrganizationId, standing.Profile.CountryCode);
            }
        }

        async Task SendAsync(IReadOnlyList<FeedEntry> page)
        {
            foreach (var entry in page)
            {
                if (entry.Cursor <= cursor)
                {
                    continue;
                }

                var offer = entry.Event.Snapshot;
                if (filter.Matches(offer, entry.LicensedTo(subscriber.OrganizationId))
                    && RightsPolicy.FeedReaches(offer, subscriber, entry.Involves(subscriber.OrganizationId)))
                {
                    await sendEvent(entry.Event);
                    lastSent = clock.GetTimestamp();
                }

                cursor = entry.Cursor;
            }
        }

        /// <summary>Sends a heartbeat if one is due, else waits for <paramref name="wake"/>, a standing change or the heartbeat.</summary>
        async Task WaitAsync(Task wake)
        {
            var untilHeartbeat = heartbeat - clock.GetElapsedTime(lastSent);
            if (untilHeartbeat <= TimeSpan.Zero)
            {
                await sendHeartbeat(cursor, clock.GetUtcNow().UtcDateTime);
                lastSent = clock.GetTimestamp();
                return;
            }

            try
            {
                await Task.WhenAny(wake, standingChanged).WaitAsync(untilHeartbeat, clock, ct);
            }
            catch (TimeoutException)
            {
                // Time for a heartbeat.
            }
        }

        try
        {
            while (!ct.IsCancellationRequested)
            {
                Rejudge();
                live ??= reader.TrySubscribe(cursor);
                if (live is null)
                {
                    // Behind the reader's window (or the reader has not started): read the log itself.
                    var page = await FeedLog.ReadPageAsync(db, cursor, ct);
                    await SendAsync(page);
                    if (page.Count == 0)
                    {
                        await WaitAsync(reader.Started.IsCompleted ? Task.Delay(options.Value.FeedPollInterval, clock, ct) : reader.Started);
                    }

                    continue;
                }

                if (live.Pages.TryRead(out var pending))
                {
                    await SendAsync(pending);
                    live.Done(pending);
                    continue;
                }

                if (live.Pages.Completion.IsCompleted)
                {
                    // Let go for falling too far behind: read on from the log, then rejoin.
                    live.Dispose();
                    live = null;
                    readable = null;
                    continue;
                }

                readable ??= live.Pages.WaitToReadAsync(ct).AsTask();
                await WaitAsync(readable);
                if (readable.IsCompleted)
                {
                    readable = null;
                }
            }
        }
        finally
        {
            live?.Dispose();
        }

        ct.ThrowIfCancellationRequested();
    }
}
