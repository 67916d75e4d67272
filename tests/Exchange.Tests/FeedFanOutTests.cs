using System.Diagnostics;
using Grpc.Core;
using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Exchange.V1;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Exchange.Tests;

/// <summary>
/// The feed's fan-out: one reader of the log per instance hands events to every subscriber, so many
/// subscribers get what they may see in order, idle ones cost the database and the organization service
/// nothing of their own, a resuming or slow subscriber reads the log itself and rejoins without gaps or
/// duplicates, and another instance's events are found.
/// </summary>
[Collection("exchange")]
public sealed class FeedFanOutTests(ExchangeFixture f)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

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

    /// <summary>Waits until every call has sent something (an event or a heartbeat): the feeds run.</summary>
    private static Task RunningAsync(IEnumerable<AsyncServerStreamingCall<V1.SubscribeFeedResponse>> calls, CancellationToken ct) =>
        Task.WhenAll(calls.Select(async call => Assert.True(await call.ResponseStream.MoveNext(ct))));

    private static void InCursorOrder(IReadOnlyList<V1.FeedEvent> events) =>
        Assert.True(events.Zip(events.Skip(1)).All(p => p.First.Cursor < p.Second.Cursor), "cursors must strictly increase");

    [Fact]
    public async Task Many_concurrent_subscribers_each_get_every_event_they_may_see_once_in_order_and_none_they_may_not()
    {
        const int SubscribersPerMember = 15;
        const int Writers = 3;
        const int OffersPerWriter = 8;
        var subject = ExchangeFixture.UniqueSubject();
        var filter = new V1.FeedFilter { Subjects = { subject } };
        using var timeout = new CancellationTokenSource(Patience);
        var members = new[] { f.India, f.Ghana, f.Egypt, f.Brazil };
        var calls = members.SelectMany(member => Enumerable.Range(0, SubscribersPerMember).Select(_ =>
            (Member: member, Call: f.Exchange.Catalogue(member).SubscribeFeed(new V1.SubscribeFeedRequest { Filter = filter }, cancellationToken: timeout.Token)))).ToArray();
        try
        {
            await RunningAsync(calls.Select(c => c.Call), timeout.Token);

            // Every other offer is denied in India and Egypt.
            var published = new System.Collections.Concurrent.ConcurrentBag<(string Id, bool Denied)>();
            await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                for (var i = 0; i < OffersPerWriter; i++)
                {
                    var denied = i % 2 == 0;
                    var rights = ExchangeFixture.Rights();
                    if (denied)
                    {
                        rights.DeniedTerritories = new V1.Territories { CountryCodes = { "IN", "EG" } };
                    }

                    var offer = await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer(subject, rights));
                    published.Add((offer.Id, denied));
                }
            })));

            var open = published.Where(p => !p.Denied).Select(p => p.Id).Order(StringComparer.Ordinal).ToArray();
            var all = published.Select(p => p.Id).Order(StringComparer.Ordinal).ToArray();
            await Task.WhenAll(calls.Select(async c =>
            {
                var want = c.Member == f.India || c.Member == f.Egypt ? open : all;
                var received = await ReadAsync(c.Call, e => e.Count == want.Length, timeout.Token);
                InCursorOrder(received);
                Assert.Equal(want, received.Select(e => e.Offer.Id).Order(StringComparer.Ordinal).ToArray());
            }));

            // Nothing more follows (no event they may not see comes late): a marker open to all is the next event of each.
            var marker = await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer(subject));
            await Task.WhenAll(calls.Select(async c => Assert.Equal(marker.Id, Assert.Single(await ReadAsync(c.Call, e => e.Count == 1, timeout.Token)).Offer.Id)));
        }
        finally
        {
            foreach (var (_, call) in calls)
            {
                call.Dispose();
            }
        }
    }

    [Fact]
    public async Task Idle_subscribers_cost_the_database_and_the_organization_service_the_same_however_many_there_are()
    {
        await using var host = new ExchangeHost(f.Organization, f.Initiative);
        host.WithSetting("MediaMesh:Exchange:FeedPollInterval", "00:00:00.200")
            .WithSetting("MediaMesh:Exchange:FeedHeartbeatInterval", "00:00:00.500");
        var members = new[] { f.India, f.Ghana, f.Egypt };
        using var timeout = new CancellationTokenSource(Patience);

        async Task<(long Commands, long StandingCalls)> IdleCostAsync(int subscribersPerMember)
        {
            var calls = members.SelectMany(member => Enumerable.Range(0, subscribersPerMember)
                .Select(_ => host.Catalogue(member).SubscribeFeed(new V1.SubscribeFeedRequest(), cancellationToken: timeout.Token))).ToArray();
            try
            {
                await RunningAsync(calls, timeout.Token);
                var (commands, standing) = (host.Gate.Commands, host.StandingCalls);
                var reading = calls.Select(async call =>
                {
                    using var window = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
                    window.CancelAfter(TimeSpan.FromSeconds(3));
                    var heartbeats = 0;
                    try
                    {
                        while (await call.ResponseStream.MoveNext(window.Token))
                        {
                            Assert.Equal(V1.SubscribeFeedResponse.ItemOneofCase.Heartbeat, call.ResponseStream.Current.ItemCase);
                            heartbeats++;
                        }
                    }
                    catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled || window.IsCancellationRequested)
                    {
                        // The window closing cancels the read; in-process that can surface as a reset stream (UNAVAILABLE).
                    }

                    return heartbeats;
                }).ToArray();
                await Task.Delay(TimeSpan.FromSeconds(2.5), timeout.Token);
                var cost = (host.Gate.Commands - commands, host.StandingCalls - standing);
                Assert.All(await Task.WhenAll(reading), heartbeats => Assert.True(heartbeats >= 3, $"{heartbeats} heartbeats: the feed did not run"));
                return cost;
            }
            finally
            {
                foreach (var call in calls)
                {
                    call.Dispose();
                }
            }
        }

        var one = await IdleCostAsync(1);
        var many = await IdleCostAsync(20);

        // In 2.5 s: one log read per 200 ms poll (≈13) for the instance, one standing check per caller per 300 ms (≈8 × 3 callers).
        Assert.True(many.Commands <= 20, $"{many.Commands} database commands in 2.5 s with 60 idle subscribers (with 3: {one.Commands})");
        Assert.True(many.Commands <= one.Commands + 4, $"{many.Commands} database commands with 60 idle subscribers, {one.Commands} with 3");
        Assert.True(many.StandingCalls <= 3 * 10, $"{many.StandingCalls} standing calls in 2.5 s for 3 callers with 60 feeds (with 3 feeds: {one.StandingCalls})");
    }

    [Fact]
    public async Task A_subscriber_resuming_from_before_the_in_memory_window_gets_every_event_once_across_the_switch_to_live()
    {
        await using var host = new ExchangeHost(f.Organization, f.Initiative);
        host.WithSetting("MediaMesh:Exchange:FeedWindowEvents", "4");
        var subject = ExchangeFixture.UniqueSubject();
        var filter = new V1.FeedFilter { Subjects = { subject } };
        using var timeout = new CancellationTokenSource(Patience);
        const int Before = 30;
        const int During = 30;
        var expected = new List<string>();
        for (var i = 0; i < Before; i++)
        {
            expected.Add((await ExchangeFixture.PublishAsync(host, f.Kenya, ExchangeFixture.NewOffer(subject))).Id);
        }

        // The subscriber starts at the beginning (far behind the window of 4) while a writer goes on publishing.
        using var call = host.Catalogue(f.India).SubscribeFeed(new V1.SubscribeFeedRequest { FromBeginning = true, Filter = filter }, cancellationToken: timeout.Token);
        var writing = Task.Run(async () =>
        {
            var ids = new List<string>();
            for (var i = 0; i < During; i++)
            {
                ids.Add((await ExchangeFixture.PublishAsync(host, f.Ghana, ExchangeFixture.NewOffer(subject))).Id);
            }

            return ids;
        });
        var received = await ReadAsync(call, e => e.Count == Before + During, timeout.Token);
        expected.AddRange(await writing);

        InCursorOrder(received);
        Assert.Equal(expected, received.Select(e => e.Offer.Id));
    }

    [Fact]
    public async Task A_subscriber_that_stops_reading_holds_up_no_one_and_later_gets_everything_once_in_order()
    {
        await using var host = new ExchangeHost(f.Organization, f.Initiative);
        host.WithSetting("MediaMesh:Exchange:FeedWindowEvents", "8")
            .WithSetting("MediaMesh:Exchange:FeedSubscriberBacklog", "8");
        var subject = ExchangeFixture.UniqueSubject();
        var filter = new V1.FeedFilter { Subjects = { subject } };
        using var timeout = new CancellationTokenSource(Patience);
        using var slow = host.Catalogue(f.Ghana).SubscribeFeed(new V1.SubscribeFeedRequest { Filter = filter }, cancellationToken: timeout.Token);
        using var fast = host.Catalogue(f.India).SubscribeFeed(new V1.SubscribeFeedRequest { Filter = filter }, cancellationToken: timeout.Token);
        await RunningAsync([slow, fast], timeout.Token);

        // The slow one reads nothing while ≈250 events (beyond what the transport buffers) are published.
        const int Total = 250;
        var published = new List<string>();
        var fastReading = ReadAsync(fast, e => e.Count == Total, timeout.Token);
        var latency = new List<TimeSpan>();
        for (var i = 0; i < Total; i++)
        {
            var watch = Stopwatch.StartNew();
            published.Add((await ExchangeFixture.PublishAsync(host, f.Kenya, ExchangeFixture.NewOffer(subject))).Id);
            latency.Add(watch.Elapsed);
        }

        var fastReceived = await fastReading.WaitAsync(TimeSpan.FromSeconds(10), timeout.Token);
        Assert.Equal(published, fastReceived.Select(e => e.Offer.Id));

        var slowReceived = await ReadAsync(slow, e => e.Count == Total, timeout.Token);
        InCursorOrder(slowReceived);
        Assert.Equal(published, slowReceived.Select(e => e.Offer.Id));
    }

    [Fact]
    public async Task One_standing_check_per_caller_serves_all_its_feeds_and_a_revoked_key_ends_every_one_of_them()
    {
        await using var host = new ExchangeHost(f.Organization, f.Initiative);
        host.WithSetting("MediaMesh:Exchange:FeedHeartbeatInterval", "00:00:00.500");
        var member = await f.NewMemberAsync("KE");
        var org = f.Organization.ClientAs(member);
        var key = await org.CreateApiKeyAsync(new OrgV1.CreateApiKeyRequest { OrganizationId = member, DisplayName = "feed readers" });
        var client = new V1.CatalogueService.CatalogueServiceClient(host.WithToken(host.IssueToken(member, CallerRoles.Member, key.ApiKey.Id)));
        using var timeout = new CancellationTokenSource(Patience);
        var calls = Enumerable.Range(0, 25).Select(_ => client.SubscribeFeed(new V1.SubscribeFeedRequest(), cancellationToken: timeout.Token)).ToArray();
        try
        {
            await RunningAsync(calls, timeout.Token);
            var before = host.StandingCalls;
            await Task.Delay(TimeSpan.FromSeconds(1.5), timeout.Token);
            var checks = host.StandingCalls - before;
            // Re-checked every 300 ms: ≈5 calls in 1.5 s for the caller, not 5 per feed.
            Assert.InRange(checks, 1, 8);

            await org.RevokeApiKeyAsync(new OrgV1.RevokeApiKeyRequest { OrganizationId = member, Id = key.ApiKey.Id });
            var watch = Stopwatch.StartNew();
            var ended = await Task.WhenAll(calls.Select(call => Assert.ThrowsAsync<RpcException>(async () =>
            {
                while (await call.ResponseStream.MoveNext(timeout.Token))
                {
                }
            })));
            Assert.All(ended, e => Assert.Equal(StatusCode.Unauthenticated, e.StatusCode));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"the feeds ran on for {watch.Elapsed}");
        }
        finally
        {
            foreach (var call in calls)
            {
                call.Dispose();
            }
        }
    }

    [Fact]
    public async Task Events_committed_by_another_instance_on_the_same_database_reach_every_subscriber_of_this_one()
    {
        await using var reader = new ExchangeHost(f.Organization, f.Initiative);
        reader.WithSetting("MediaMesh:Exchange:FeedPollInterval", "00:00:00.300")
            .WithSetting("MediaMesh:Exchange:FeedHeartbeatInterval", "00:00:00.200");
        var subject = ExchangeFixture.UniqueSubject();
        using var timeout = new CancellationTokenSource(Patience);
        var calls = Enumerable.Range(0, 20).Select(_ => reader.Catalogue(f.India).SubscribeFeed(
            new V1.SubscribeFeedRequest { Filter = new V1.FeedFilter { Subjects = { subject } } }, cancellationToken: timeout.Token)).ToArray();
        try
        {
            // The feeds run (each has fixed its cursor and sent a heartbeat) before anything is published:
            // an offer published before a subscription's cursor is fixed is, rightly, not part of its feed.
            await RunningAsync(calls, timeout.Token);

            // The reader host's own feeds deliver before the other instance writes.
            var marker = await ExchangeFixture.PublishAsync(reader, f.Kenya, ExchangeFixture.NewOffer(subject));
            await Task.WhenAll(calls.Select(async call => Assert.Equal(marker.Id, Assert.Single(await ReadAsync(call, e => e.Count == 1, timeout.Token)).Offer.Id)));

            await using var writer = new ExchangeHost(f.Organization, f.Initiative);
            if (reader.PostgresConnectionString is { } database)
            {
                writer.UsePostgres(database);
            }
            else
            {
                writer.WithSetting("MediaMesh:DataDirectory", reader.DataDirectory);
            }

            var published = new List<string>();
            for (var i = 0; i < 5; i++)
            {
                published.Add((await ExchangeFixture.PublishAsync(writer, f.Ghana, ExchangeFixture.NewOffer(subject))).Id);
            }

            await Task.WhenAll(calls.Select(async call => Assert.Equal(published, (await ReadAsync(call, e => e.Count == published.Count, timeout.Token)).Select(e => e.Offer.Id))));
        }
        finally
        {
            foreach (var call in calls)
            {
                call.Dispose();
            }
        }
    }
}
