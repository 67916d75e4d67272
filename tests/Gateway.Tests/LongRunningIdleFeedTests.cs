using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy;
using V1 = MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Gateway.Tests;

/// <summary>
/// A mesh of its own for the idle-feed test: the exchange sends a heartbeat every 10 s and the
/// gateway's exchange cluster cuts a stream after 30 s without traffic (production allows an hour).
/// An idle feed that outlives several of those windows is kept alive by its heartbeats alone.
/// </summary>
public sealed class IdleFeedMesh() : Mesh(
    new Dictionary<string, string> { ["ReverseProxy:Clusters:exchange:HttpRequest:ActivityTimeout"] = "00:00:30" },
    new Dictionary<string, string> { ["MediaMesh:Exchange:FeedHeartbeatInterval"] = "00:00:10" })
{
    public static readonly TimeSpan ActivityTimeout = TimeSpan.FromSeconds(30);
}

/// <summary>
/// LONG-RUNNING (over two minutes). Its own class and fixture, so xunit runs it in parallel with the
/// other test collections of this assembly (collections run in parallel by default and this assembly
/// does not turn that off).
/// </summary>
public sealed class LongRunningIdleFeedTests(IdleFeedMesh mesh, ITestOutputHelper output) : IClassFixture<IdleFeedMesh>
{
    private static readonly TimeSpan IdlePeriod = TimeSpan.FromSeconds(130);

    [Fact]
    public async Task Long_running_an_idle_feed_through_the_gateway_lives_on_heartbeats_for_over_two_minutes_then_delivers_and_resumes()
    {
        // The gateway really runs with the short activity timeout, well below the idle period.
        var proxy = mesh.Gateway.Services.GetRequiredService<IProxyStateLookup>();
        Assert.True(proxy.TryGetCluster("exchange", out var cluster));
        Assert.Equal(IdleFeedMesh.ActivityTimeout, cluster.Model.Config.HttpRequest?.ActivityTimeout);
        Assert.True(IdlePeriod > 4 * IdleFeedMesh.ActivityTimeout);

        var owner = new ExchangeClients(mesh.Gateway, await mesh.CreateMemberAsync("Kenya Broadcasting Corporation", "KE"));
        var subscriber = new ExchangeClients(mesh.Gateway, await mesh.CreateMemberAsync("Prasar Bharati", "IN"));
        var subject = ExchangeClients.UniqueSubject();
        var filter = new V1.FeedFilter { Subjects = { subject } };
        using var timeout = new CancellationTokenSource(IdlePeriod + TimeSpan.FromSeconds(60));

        V1.FeedEvent delivered;
        using (var feed = subscriber.Catalogue.SubscribeFeed(new V1.SubscribeFeedRequest { Filter = filter }, cancellationToken: timeout.Token))
        {
            var idle = Stopwatch.StartNew();
            var heartbeats = 0;
            var previous = TimeSpan.Zero;
            var longestGap = TimeSpan.Zero;
            long latestCursor = -1;
            while (idle.Elapsed < IdlePeriod)
            {
                var item = await NextAsync(feed, timeout.Token);
                Assert.Equal(V1.SubscribeFeedResponse.ItemOneofCase.Heartbeat, item.ItemCase);
                Assert.NotNull(item.Heartbeat.Time);
                latestCursor = item.Heartbeat.LatestCursor;
                heartbeats++;
                longestGap = TimeSpan.FromTicks(Math.Max(longestGap.Ticks, (idle.Elapsed - previous).Ticks));
                previous = idle.Elapsed;
            }

            output.WriteLine($"{heartbeats} heartbeats in {idle.Elapsed}, longest gap {longestGap}");
            Assert.InRange(heartbeats, 12, 15);
            Assert.True(longestGap < IdleFeedMesh.ActivityTimeout, $"longest gap {longestGap}");

            var first = await owner.PublishAsync(subject, "First story after the quiet");
            delivered = await NextEventAsync(feed, timeout.Token);
            Assert.Equal(V1.FeedEventType.New, delivered.Type);
            Assert.Equal(first.Id, delivered.Offer.Id);
            Assert.True(delivered.Cursor > latestCursor, $"cursor {delivered.Cursor} after heartbeat cursor {latestCursor}");
        }

        // Disconnected: another story appears meanwhile.
        var missed = await owner.PublishAsync(subject, "Story published while the subscriber was away");
        using var resumed = subscriber.Catalogue.SubscribeFeed(
            new V1.SubscribeFeedRequest { AfterCursor = delivered.Cursor, Filter = filter }, cancellationToken: timeout.Token);
        var replay = await NextAsync(resumed, timeout.Token);
        Assert.Equal(V1.SubscribeFeedResponse.ItemOneofCase.Event, replay.ItemCase);
        Assert.Equal(V1.FeedEventType.New, replay.Event.Type);
        Assert.Equal(missed.Id, replay.Event.Offer.Id);
        Assert.True(replay.Event.Cursor > delivered.Cursor);
    }

    private static async Task<V1.SubscribeFeedResponse> NextAsync(AsyncServerStreamingCall<V1.SubscribeFeedResponse> feed, CancellationToken ct)
    {
        Assert.True(await feed.ResponseStream.MoveNext(ct), "the feed ended");
        return feed.ResponseStream.Current;
    }

    /// <summary>The next event, passing over heartbeats.</summary>
    private static async Task<V1.FeedEvent> NextEventAsync(AsyncServerStreamingCall<V1.SubscribeFeedResponse> feed, CancellationToken ct)
    {
        while (true)
        {
            var item = await NextAsync(feed, ct);
            if (item.ItemCase == V1.SubscribeFeedResponse.ItemOneofCase.Event)
            {
                return item.Event;
            }
        }
    }
}
