using System.Diagnostics;
using System.Net;
using Google.Rpc;
using Grpc.Core;
using MediaMesh.ServiceDefaults.Lifecycle;
using MediaMesh.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using V1 = MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Exchange.Tests;

/// <summary>
/// How a replica stops (SIGTERM in a rolling restart): readiness false first while it still serves, then its
/// open streams end with UNAVAILABLE and RetryInfo (what the SDK resumes from), unary calls untouched.
/// Each test stops a host of its own, never the collection's.
/// </summary>
[Collection("exchange")]
public sealed class GracefulShutdownTests(ExchangeFixture f)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_open_feed_ends_unavailable_with_retry_info_when_the_replica_stops_and_a_new_one_is_refused_the_same_way()
    {
        await using var host = new ExchangeHost(f.Organization, f.Initiative);
        using var timeout = new CancellationTokenSource(Patience);
        using var feed = host.Catalogue(f.India).SubscribeFeed(new V1.SubscribeFeedRequest(), cancellationToken: timeout.Token);
        Assert.True(await feed.ResponseStream.MoveNext(timeout.Token));

        await host.Services.GetRequiredService<GracefulShutdown>().StoppingAsync(CancellationToken.None);

        var ended = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await feed.ResponseStream.MoveNext(timeout.Token))
            {
            }
        });
        Assert.Equal(StatusCode.Unavailable, ended.StatusCode);
        Assert.Contains("shutting down", ended.Status.Detail, StringComparison.Ordinal);
        Assert.NotNull(ended.GetRpcStatus()?.GetDetail<RetryInfo>());

        using var late = host.Catalogue(f.India).SubscribeFeed(new V1.SubscribeFeedRequest(), cancellationToken: timeout.Token);
        var refused = await Assert.ThrowsAsync<RpcException>(() => late.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.NotNull(refused.GetRpcStatus()?.GetDetail<RetryInfo>());

        // Unary calls are the server's to finish: still answered as before.
        var page = await host.Offers(f.Kenya).ListOffersAsync(new V1.ListOffersRequest { PageSize = 1 }, cancellationToken: timeout.Token);
        Assert.NotNull(page);
    }

    [Fact]
    public async Task A_probed_replica_reports_not_ready_for_the_drain_delay_while_it_still_serves_before_its_streams_end()
    {
        await using var host = new ExchangeHost(f.Organization, f.Initiative);
        host.WithSetting("MediaMesh:Shutdown:DrainDelay", "00:00:02");
        using var http = host.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);
        using var timeout = new CancellationTokenSource(Patience);
        using var feed = host.Catalogue(f.India).SubscribeFeed(new V1.SubscribeFeedRequest(), cancellationToken: timeout.Token);
        Assert.True(await feed.ResponseStream.MoveNext(timeout.Token));
        var shutdown = host.Services.GetRequiredService<GracefulShutdown>();

        var clock = Stopwatch.StartNew();
        var stopping = shutdown.StoppingAsync(CancellationToken.None);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);
        await host.Offers(f.Kenya).ListOffersAsync(new V1.ListOffersRequest { PageSize = 1 }, cancellationToken: timeout.Token);
        Assert.False(shutdown.StreamsEnding.IsCancellationRequested);

        await stopping;
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.9), $"the drain took {clock.Elapsed}");
        Assert.True(shutdown.StreamsEnding.IsCancellationRequested);
        var ended = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await feed.ResponseStream.MoveNext(timeout.Token))
            {
            }
        });
        Assert.Equal(StatusCode.Unavailable, ended.StatusCode);
    }

    [Fact]
    public async Task A_replica_whose_readiness_nobody_asked_for_stops_without_waiting_out_the_drain()
    {
        await using var host = new ExchangeHost(f.Organization, f.Initiative);
        host.WithSetting("MediaMesh:Shutdown:DrainDelay", "00:01:00");
        await host.Offers(f.Kenya).ListOffersAsync(new V1.ListOffersRequest { PageSize = 1 });
        var shutdown = host.Services.GetRequiredService<GracefulShutdown>();

        var clock = Stopwatch.StartNew();
        await shutdown.StoppingAsync(CancellationToken.None);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the stop waited {clock.Elapsed}");
        Assert.True(shutdown.IsDraining);
        Assert.True(shutdown.StreamsEnding.IsCancellationRequested);
    }
}
