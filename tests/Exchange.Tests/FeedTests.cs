using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Exchange.Tests;

[Collection("exchange")]
public sealed class FeedTests(ExchangeFixture f)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    /// <summary>Reads events until <paramref name="done"/> says enough; heartbeats are counted, not returned.</summary>
    private static async Task<List<V1.FeedEvent>> ReadAsync(AsyncServerStreamingCall<V1.SubscribeFeedResponse> call, Func<List<V1.FeedEvent>, bool> done, CancellationToken ct)
    {
        var events = new List<V1.FeedEvent>();
        while (!done(events) && await call.ResponseStream.MoveNext(ct))
        {
            if (call.ResponseStream.Current.ItemCase == V1.SubscribeFeedResponse.ItemOneofCase.Event)
            {
                events.Add(call.ResponseStream.Current.Event);
            }
        }

        return events;
    }

    [Fact]
    public async Task A_subscriber_that_reconnects_with_its_cursor_misses_nothing_in_order_then_gets_live_events()
    {
        var subject = ExchangeFixture.UniqueSubject();
        var filter = new V1.FeedFilter { Subjects = { subject } };
        var catalogue = f.Exchange.Catalogue(f.India);
        using var timeout = new CancellationTokenSource(Patience);

        var a = await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer(subject));
        long cursor;
        using (var first = catalogue.SubscribeFeed(new V1.SubscribeFeedRequest { FromBeginning = true, Filter = filter }, cancellationToken: timeout.Token))
        {
            var seen = await ReadAsync(first, e => e.Count == 1, timeout.Token);
            Assert.Equal(V1.FeedEventType.New, seen[0].Type);
            Assert.Equal(a.Id, seen[0].Offer.Id);
            cursor = seen[0].Cursor;
        }

        // While disconnected: a correction, another item, a kill.
        var fix = a.Clone();
        fix.Slugline = "0421-FLOODS-KENYA/update";
        await f.Exchange.Offers(f.Kenya).CorrectOfferAsync(new V1.CorrectOfferRequest { Offer = fix, UpdateMask = FieldMask.FromString("slugline"), CorrectionNote = "new slug" });
        var b = await f.PublishAsync(f.Ghana, ExchangeFixture.NewOffer(subject));
        await f.Exchange.Offers(f.Kenya).KillOfferAsync(new V1.KillOfferRequest { Id = a.Id, Reason = "court order" });

        using var resumed = catalogue.SubscribeFeed(new V1.SubscribeFeedRequest { AfterCursor = cursor, Filter = filter }, cancellationToken: timeout.Token);
        var missed = await ReadAsync(resumed, e => e.Count == 3, timeout.Token);
        Assert.Equal([V1.FeedEventType.Corrected, V1.FeedEventType.New, V1.FeedEventType.Killed], missed.Select(e => e.Type));
        Assert.Equal([a.Id, b.Id, a.Id], missed.Select(e => e.Offer.Id));
        Assert.Equal(2, missed[0].Offer.Version);
        Assert.Equal("new slug", missed[0].Note);
        Assert.Equal("court order", missed[2].Note);
        Assert.True(missed[0].Cursor > cursor && missed[1].Cursor > missed[0].Cursor && missed[2].Cursor > missed[1].Cursor);

        var c = await f.PublishAsync(f.Egypt, ExchangeFixture.NewOffer(subject));
        var live = await ReadAsync(resumed, e => e.Count == 1, timeout.Token);
        Assert.Equal(c.Id, live[0].Offer.Id);
        Assert.True(live[0].Cursor > missed[2].Cursor);
    }

    [Fact]
    public async Task Subscribers_resuming_at_random_points_get_every_event_of_concurrent_writers_once_in_cursor_order()
    {
        const int Writers = 6;
        const int OffersPerWriter = 6;
        var subject = ExchangeFixture.UniqueSubject();
        var filter = new V1.FeedFilter { Subjects = { subject } };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var owners = new List<string>();
        for (var i = 0; i < Writers; i++)
        {
            owners.Add(await f.NewMemberAsync("KE"));
        }

        // Each writer publishes and corrects its own offers while the subscribers read: 2 events an offer.
        var expected = new System.Collections.Concurrent.ConcurrentBag<(string OfferId, V1.FeedEventType Type)>();
        var writing = owners.Select(owner => Task.Run(async () =>
        {
            var offers = f.Exchange.Offers(owner);
            for (var i = 0; i < OffersPerWriter; i++)
            {
                var published = await ExchangeFixture.PublishAsync(f.Exchange, owner, ExchangeFixture.NewOffer(subject));
                expected.Add((published.Id, V1.FeedEventType.New));
                var fix = published.Clone();
                fix.Slugline = "0421-FLOODS-KENYA/fix";
                await offers.CorrectOfferAsync(new V1.CorrectOfferRequest { Offer = fix, UpdateMask = FieldMask.FromString("slugline"), CorrectionNote = "fix" });
                expected.Add((published.Id, V1.FeedEventType.Corrected));
            }
        })).ToArray();
        const int Total = Writers * OffersPerWriter * 2;

        var subscribers = Enumerable.Range(0, 4).Select(seed => Task.Run(async () =>
        {
            var random = new Random(seed);
            var received = new List<V1.FeedEvent>();
            var catalogue = f.Exchange.Catalogue(f.India);
            long cursor = 0;
            while (received.Count < Total)
            {
                // Read a random number of events, drop the connection, resume from the last cursor seen.
                var take = random.Next(1, 12);
                var request = cursor == 0 ? new V1.SubscribeFeedRequest { FromBeginning = true, Filter = filter } : new V1.SubscribeFeedRequest { AfterCursor = cursor, Filter = filter };
                using var call = catalogue.SubscribeFeed(request, cancellationToken: timeout.Token);
                var batch = await ReadAsync(call, e => e.Count == take || received.Count + e.Count == Total, timeout.Token);
                received.AddRange(batch);
                cursor = batch.Count > 0 ? batch[^1].Cursor : cursor;
            }

            return received;
        })).ToArray();

        await Task.WhenAll(writing);
        var results = await Task.WhenAll(subscribers);
        var want = expected.Select(e => $"{e.OfferId}/{e.Type}").Order(StringComparer.Ordinal).ToArray();
        foreach (var received in results)
        {
            Assert.Equal(want, received.Select(e => $"{e.Offer.Id}/{e.Type}").Order(StringComparer.Ordinal).ToArray());
            Assert.True(received.Zip(received.Skip(1)).All(p => p.First.Cursor < p.Second.Cursor), "cursors must strictly increase");
        }

        // A subscriber that only joins now, from the beginning, reads the same log.
        using var late = f.Exchange.Catalogue(f.India).SubscribeFeed(new V1.SubscribeFeedRequest { FromBeginning = true, Filter = filter }, cancellationToken: timeout.Token);
        var replay = await ReadAsync(late, e => e.Count == Total, timeout.Token);
        Assert.Equal(results[0].Select(e => e.Cursor), replay.Select(e => e.Cursor));
    }

    [Fact]
    public async Task Live_subscribers_reading_while_writers_publish_correct_and_kill_get_every_event_once_in_cursor_order()
    {
        const int Writers = 6;
        const int OffersPerWriter = 5;
        const int Total = Writers * ((OffersPerWriter * 2) + 1);
        var subject = ExchangeFixture.UniqueSubject();
        var filter = new V1.FeedFilter { Subjects = { subject } };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var owners = new List<string>();
        for (var i = 0; i < Writers; i++)
        {
            owners.Add(await f.NewMemberAsync("GH"));
        }

        // Connected at the head of the log before anything is written: every event reaches them live.
        var readers = new[] { f.India, f.Brazil }.Select(member => f.Exchange.Catalogue(member).SubscribeFeed(
            new V1.SubscribeFeedRequest { Filter = filter }, cancellationToken: timeout.Token)).ToArray();
        foreach (var reader in readers)
        {
            await NextHeartbeatAsync(reader, timeout.Token);
        }

        // Each reader stops at the end of the log, known once the writers are done: a reader that skipped
        // events then stops at the next heartbeat instead of waiting for events that will not come.
        var logEnd = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = readers.Select(reader => Task.Run(() => ReadLiveAsync(reader, logEnd.Task, timeout.Token))).ToArray();
        var expected = new System.Collections.Concurrent.ConcurrentBag<string>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writing = owners.Select(owner => Task.Run(async () =>
        {
            await gate.Task;
            var offers = f.Exchange.Offers(owner);
            V1.Offer? last = null;
            for (var i = 0; i < OffersPerWriter; i++)
            {
                last = await ExchangeFixture.PublishAsync(f.Exchange, owner, ExchangeFixture.NewOffer(subject));
                expected.Add($"{last.Id}/{V1.FeedEventType.New}");
                var fix = last.Clone();
                fix.Slugline = "0421-FLOODS-KENYA/fix";
                await offers.CorrectOfferAsync(new V1.CorrectOfferRequest { Offer = fix, UpdateMask = FieldMask.FromString("slugline"), CorrectionNote = "fix" });
                expected.Add($"{last.Id}/{V1.FeedEventType.Corrected}");
            }

            await offers.KillOfferAsync(new V1.KillOfferRequest { Id = last!.Id, Reason = "withdrawn by the source" });
            expected.Add($"{last.Id}/{V1.FeedEventType.Killed}");
        })).ToArray();
        gate.SetResult();
        await Task.WhenAll(writing);
        using var replay = f.Exchange.Catalogue(f.India).SubscribeFeed(new V1.SubscribeFeedRequest { FromBeginning = true, Filter = filter }, cancellationToken: timeout.Token);
        var log = await ReadAsync(replay, e => e.Count == Total, timeout.Token);
        logEnd.SetResult(log[^1].Cursor);
        var results = await Task.WhenAll(reading);

        var want = expected.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(Total, want.Length);
        Assert.Equal(want, log.Select(e => $"{e.Offer.Id}/{e.Type}").Order(StringComparer.Ordinal));
        foreach (var received in results)
        {
            // The same events as the log, each once, in the log's order: none skipped, none repeated.
            Assert.Equal(log.Select(e => e.Cursor), received.Select(e => e.Cursor));
            Assert.Equal(log.Select(e => $"{e.Offer.Id}/{e.Type}"), received.Select(e => $"{e.Offer.Id}/{e.Type}"));
        }

        foreach (var reader in readers)
        {
            reader.Dispose();
        }
    }

    /// <summary>Events until one at or past the end of the log, or a heartbeat that shows the end was passed.</summary>
    private static async Task<List<V1.FeedEvent>> ReadLiveAsync(AsyncServerStreamingCall<V1.SubscribeFeedResponse> call, Task<long> logEnd, CancellationToken ct)
    {
        var events = new List<V1.FeedEvent>();
        while (await call.ResponseStream.MoveNext(ct))
        {
            var item = call.ResponseStream.Current;
            if (item.ItemCase == V1.SubscribeFeedResponse.ItemOneofCase.Event)
            {
                events.Add(item.Event);
            }

            var reached = item.ItemCase == V1.SubscribeFeedResponse.ItemOneofCase.Event ? item.Event.Cursor : item.Heartbeat.LatestCursor;
            if (logEnd.IsCompletedSuccessfully && reached >= logEnd.Result)
            {
                break;
            }
        }

        return events;
    }

    [Fact]
    public async Task A_member_is_not_told_about_items_its_country_may_not_use()
    {
        var subject = ExchangeFixture.UniqueSubject();
        var filter = new V1.FeedFilter { Subjects = { subject } };
        var rights = ExchangeFixture.Rights();
        rights.DeniedTerritories = new V1.Territories { CountryCodes = { "IN" } };
        using var timeout = new CancellationTokenSource(Patience);

        var denied = await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer(subject, rights));
        var open = await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer(subject));

        using var india = f.Exchange.Catalogue(f.India).SubscribeFeed(new V1.SubscribeFeedRequest { FromBeginning = true, Filter = filter }, cancellationToken: timeout.Token);
        var seenInIndia = await ReadAsync(india, e => e.Count == 1, timeout.Token);
        Assert.Equal(open.Id, Assert.Single(seenInIndia).Offer.Id);

        using var ghana = f.Exchange.Catalogue(f.Ghana).SubscribeFeed(new V1.SubscribeFeedRequest { FromBeginning = true, Filter = filter }, cancellationToken: timeout.Token);
        var seenInGhana = await ReadAsync(ghana, e => e.Count == 2, timeout.Token);
        Assert.Equal([denied.Id, open.Id], seenInGhana.Select(e => e.Offer.Id));
    }

    [Fact]
    public async Task A_kill_reaches_licensees_on_a_licensed_only_feed()
    {
        var (offer, _) = await f.LicensedAsync(f.Kenya, f.Brazil, "BR");
        var unrelated = await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer());
        using var timeout = new CancellationTokenSource(Patience);
        using var feed = f.Exchange.Catalogue(f.Brazil).SubscribeFeed(
            new V1.SubscribeFeedRequest { Filter = new V1.FeedFilter { LicensedOnly = true } }, cancellationToken: timeout.Token);
        // A heartbeat proves the subscription is live before the kill happens.
        Assert.True(await feed.ResponseStream.MoveNext(timeout.Token));

        await f.Exchange.Offers(f.Kenya).KillOfferAsync(new V1.KillOfferRequest { Id = unrelated.Id, Reason = "other" });
        await f.Exchange.Offers(f.Kenya).KillOfferAsync(new V1.KillOfferRequest { Id = offer.Id, Reason = "defamation claim" });

        var events = await ReadAsync(feed, e => e.Count == 1, timeout.Token);
        Assert.Equal(V1.FeedEventType.Killed, events[0].Type);
        Assert.Equal(offer.Id, events[0].Offer.Id);
        Assert.Equal("defamation claim", events[0].Note);
    }

    [Fact]
    public async Task An_idle_feed_sends_heartbeats_with_the_latest_cursor()
    {
        using var timeout = new CancellationTokenSource(Patience);
        var before = ExchangeFixture.UniqueSubject();
        var latestBefore = await CursorOfAsync(await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer(before)), before, timeout.Token);

        // A filter nothing matches: the subscriber is sent no event, only heartbeats that move its cursor on.
        using var feed = f.Exchange.Catalogue(f.India).SubscribeFeed(
            new V1.SubscribeFeedRequest { Filter = new V1.FeedFilter { Subjects = { ExchangeFixture.UniqueSubject() } } }, cancellationToken: timeout.Token);
        var first = await NextHeartbeatAsync(feed, timeout.Token);
        Assert.NotNull(first.Time);
        Assert.Equal(latestBefore, first.LatestCursor);

        var after = ExchangeFixture.UniqueSubject();
        var latestAfter = await CursorOfAsync(await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer(after)), after, timeout.Token);
        Assert.True(latestAfter > latestBefore);

        // The heartbeat in flight while the event was written may still carry the older cursor, the next one the new.
        var seen = new List<long>();
        for (var i = 0; i < 3 && !seen.Contains(latestAfter); i++)
        {
            seen.Add((await NextHeartbeatAsync(feed, timeout.Token)).LatestCursor);
        }

        Assert.True(seen.Contains(latestAfter), $"heartbeat cursors {string.Join(", ", seen)}, latest cursor {latestAfter}");
        Assert.All(seen, c => Assert.InRange(c, latestBefore, latestAfter));
    }

    /// <summary>The next message, which must be a heartbeat.</summary>
    private static async Task<V1.FeedHeartbeat> NextHeartbeatAsync(AsyncServerStreamingCall<V1.SubscribeFeedResponse> feed, CancellationToken ct)
    {
        Assert.True(await feed.ResponseStream.MoveNext(ct));
        Assert.Equal(V1.SubscribeFeedResponse.ItemOneofCase.Heartbeat, feed.ResponseStream.Current.ItemCase);
        return feed.ResponseStream.Current.Heartbeat;
    }

    /// <summary>The cursor of the NEW event of <paramref name="offer"/>, read from the log with a filter only it matches.</summary>
    private async Task<long> CursorOfAsync(V1.Offer offer, string subject, CancellationToken ct)
    {
        using var call = f.Exchange.Catalogue(f.India).SubscribeFeed(
            new V1.SubscribeFeedRequest { FromBeginning = true, Filter = new V1.FeedFilter { Subjects = { subject } } }, cancellationToken: ct);
        var events = await ReadAsync(call, e => e.Count == 1, ct);
        Assert.Equal(offer.Id, Assert.Single(events).Offer.Id);
        return events[0].Cursor;
    }

    [Fact]
    public async Task A_cancelled_subscription_ends_and_bad_filters_are_refused()
    {
        using var cancel = new CancellationTokenSource();
        using var feed = f.Exchange.Catalogue(f.India).SubscribeFeed(new V1.SubscribeFeedRequest(), cancellationToken: cancel.Token);
        Assert.True(await feed.ResponseStream.MoveNext(CancellationToken.None));
        await cancel.CancelAsync();
        var ended = await Assert.ThrowsAsync<RpcException>(() => feed.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.Cancelled, ended.StatusCode);

        using var bad = f.Exchange.Catalogue(f.India).SubscribeFeed(new V1.SubscribeFeedRequest { AfterCursor = -1 });
        var refused = await GrpcAssert.Refused(StatusCode.InvalidArgument, async () => await bad.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Contains("after_cursor", refused.Status.Detail, StringComparison.Ordinal);
    }
}
