extern alias gateway;
using System.Diagnostics;
using System.Net;
using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using MediaMesh.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using InFlightKind = gateway::MediaMesh.Gateway.RateLimiting.InFlightKind;
using InFlightLimiter = gateway::MediaMesh.Gateway.RateLimiting.InFlightLimiter;
using InitV1 = MediaMesh.Contracts.Initiative.V1;
using OrgV1 = MediaMesh.Contracts.Organization.V1;
using V1 = MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Gateway.Tests;

/// <summary>
/// The gateway's limits on calls in flight (MediaMesh:Gateway:InFlight). Calls are held open by a
/// backend that never answers (initiative, and exchange where streams are tested); GetOrganization
/// goes to the real organization service and shows who is still served.
/// </summary>
[Collection(nameof(MeshCollection))]
public sealed class InFlightLimitTests(Mesh mesh)
{
    [Theory]
    [InlineData(Protocol.Grpc)]
    [InlineData(Protocol.GrpcWeb)]
    [InlineData(Protocol.Rest)]
    public async Task An_organisation_at_its_limit_is_refused_with_retry_info_and_other_organisations_are_served(Protocol protocol)
    {
        var greedy = await mesh.CreateMemberAsync("Radio Greedy " + protocol, "GH");
        var other = await mesh.CreateMemberAsync("Radio Patient " + protocol, "GH");
        await using var stalled = await StalledBackend.StartAsync();
        await using var gateway = Gateway(stalled, perOrganization: 2, total: 100);
        using var held = new CancellationTokenSource();
        var holding = HoldUnary(gateway, greedy, 2, held.Token);
        await WaitForAsync(() => Limiter(gateway).InFlight(InFlightKind.Unary, greedy.OrganizationId) == 2, "the greedy organisation's 2 calls in flight");

        var refused = await GatewayRefusals.GetOrganization(gateway, protocol, greedy.ApiKey, greedy.OrganizationId);

        Assert.Equal(StatusCode.ResourceExhausted, refused.Code);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Detail<RetryInfo>()?.RetryDelay.ToTimeSpan());
        Assert.Equal("1", refused.RetryAfter);
        Assert.Contains("your organisation", refused.Status?.Message, StringComparison.OrdinalIgnoreCase);
        if (protocol == Protocol.Rest)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.HttpStatus);
        }

        var served = await Organizations(gateway, other).GetOrganizationAsync(new OrgV1.GetOrganizationRequest { Id = other.OrganizationId });
        Assert.Equal(other.OrganizationId, served.Organization.Id);
        await held.CancelAsync();
        await holding;
    }

    [Fact]
    public async Task Once_the_total_is_reached_every_organisation_is_refused_until_a_call_ends()
    {
        var first = await mesh.CreateMemberAsync("Radio Total One", "SN");
        var second = await mesh.CreateMemberAsync("Radio Total Two", "SN");
        var third = await mesh.CreateMemberAsync("Radio Total Three", "SN");
        await using var stalled = await StalledBackend.StartAsync();
        await using var gateway = Gateway(stalled, perOrganization: 2, total: 3);
        using var firstHeld = new CancellationTokenSource();
        using var secondHeld = new CancellationTokenSource();
        var holdingFirst = HoldUnary(gateway, first, 2, firstHeld.Token);
        var holdingSecond = HoldUnary(gateway, second, 1, secondHeld.Token);
        await WaitForAsync(() => Limiter(gateway).InFlight(InFlightKind.Unary) == 3, "3 calls in flight");

        foreach (var member in new[] { second, third })
        {
            var refused = await GatewayRefusals.GetOrganization(gateway, Protocol.Grpc, member.ApiKey, member.OrganizationId);
            Assert.Equal(StatusCode.ResourceExhausted, refused.Code);
            Assert.NotNull(refused.Detail<RetryInfo>());
            Assert.Contains("capacity", refused.Status?.Message, StringComparison.Ordinal);
        }

        await secondHeld.CancelAsync();
        await holdingSecond;
        await WaitForAsync(() => Limiter(gateway).InFlight(InFlightKind.Unary) == 2, "the cancelled call's permit back");
        var served = await Organizations(gateway, third).GetOrganizationAsync(new OrgV1.GetOrganizationRequest { Id = third.OrganizationId });
        Assert.Equal(third.OrganizationId, served.Organization.Id);
        await firstHeld.CancelAsync();
        await holdingFirst;
    }

    [Fact]
    public async Task Permits_come_back_when_calls_succeed_fail_run_out_of_time_or_are_cancelled()
    {
        var member = await mesh.CreateMemberAsync("Radio Permits", "TZ");
        await using var stalled = await StalledBackend.StartAsync();
        // Exchange points at a closed port: its calls fail with UNAVAILABLE.
        await using var gateway = Gateway(stalled, perOrganization: 1, total: 1, streamsAtTheStalledBackend: false);
        var organizations = Organizations(gateway, member);
        var initiatives = new InitV1.InitiativeService.InitiativeServiceClient(gateway.Grpc(member.ApiKey));
        var offers = new V1.OfferService.OfferServiceClient(gateway.Grpc(member.ApiKey));
        var limiter = Limiter(gateway);

        for (var i = 0; i < 3; i++)
        {
            // The gateway gives a permit back once the call's trailers are written, which can be just
            // after the client has read them: each next call waits for it rather than racing it.
            await organizations.GetOrganizationAsync(new OrgV1.GetOrganizationRequest { Id = member.OrganizationId });
            await WaitForAsync(() => limiter.InFlight(InFlightKind.Unary) == 0, "the served call's permit back");
            await GrpcAssert.Refused(StatusCode.NotFound, () => organizations.GetOrganizationAsync(
                new OrgV1.GetOrganizationRequest { Id = Guid.NewGuid().ToString() }).ResponseAsync);
            await WaitForAsync(() => limiter.InFlight(InFlightKind.Unary) == 0, "the refused call's permit back");
            await GrpcAssert.Refused(StatusCode.Unavailable, () => offers.GetOfferAsync(new V1.GetOfferRequest { Id = Guid.NewGuid().ToString() }).ResponseAsync);
            await WaitForAsync(() => limiter.InFlight(InFlightKind.Unary) == 0, "the failed call's permit back");
            await GrpcAssert.Refused(StatusCode.DeadlineExceeded, () => initiatives.GetInitiativeAsync(
                new InitV1.GetInitiativeRequest { Id = Guid.NewGuid().ToString() }, deadline: DateTime.UtcNow.AddMilliseconds(200)).ResponseAsync);
            await WaitForAsync(() => limiter.InFlight(InFlightKind.Unary) == 0, "the timed-out call's permit back");
            using (var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200)))
            {
                await GrpcAssert.Refused(StatusCode.Cancelled, () => initiatives.GetInitiativeAsync(
                    new InitV1.GetInitiativeRequest { Id = Guid.NewGuid().ToString() }, cancellationToken: cancel.Token).ResponseAsync);
            }

            await WaitForAsync(() => limiter.InFlight(InFlightKind.Unary) == 0, "the cancelled call's permit back");
        }

        // With a limit of one, each of these calls needed the permit of the one before it.
        await WaitForAsync(() => limiter.InFlight(InFlightKind.Unary) == 0, "the last call's permit back");
        var served = await organizations.GetOrganizationAsync(new OrgV1.GetOrganizationRequest { Id = member.OrganizationId });
        Assert.Equal(member.OrganizationId, served.Organization.Id);
        await WaitForAsync(() => limiter.InFlight(InFlightKind.Unary, member.OrganizationId) == 0, "the served call's permit back");
    }

    [Fact]
    public async Task Open_streams_count_against_their_own_limit_and_never_against_unary_calls()
    {
        var member = await mesh.CreateMemberAsync("Radio Streams", "ZA");
        await using var stalled = await StalledBackend.StartAsync();
        await using var gateway = Gateway(stalled, perOrganization: 1, total: 1)
            .WithSetting("MediaMesh:Gateway:InFlight:StreamsPerOrganization", "3")
            .WithSetting("MediaMesh:Gateway:InFlight:StreamsTotal", "10");
        var catalogue = new V1.CatalogueService.CatalogueServiceClient(gateway.Grpc(member.ApiKey));
        using var held = new CancellationTokenSource();
        var feeds = Enumerable.Range(0, 3).Select(_ => catalogue.SubscribeFeed(new V1.SubscribeFeedRequest(), cancellationToken: held.Token)).ToList();
        var reading = feeds.Select(feed => ReadUntilCancelledAsync(feed.ResponseStream)).ToList();
        await WaitForAsync(() => Limiter(gateway).InFlight(InFlightKind.Stream, member.OrganizationId) == 3, "3 feeds open");

        using var fourth = catalogue.SubscribeFeed(new V1.SubscribeFeedRequest());
        var refused = await Assert.ThrowsAsync<RpcException>(() => fourth.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Contains("streams", refused.Status.Detail, StringComparison.Ordinal);

        // A unary limit of one, three streams open: unary calls still go through, one after another.
        for (var i = 0; i < 3; i++)
        {
            await Organizations(gateway, member).GetOrganizationAsync(new OrgV1.GetOrganizationRequest { Id = member.OrganizationId });
        }

        Assert.Equal(0, Limiter(gateway).InFlight(InFlightKind.Unary));
        await held.CancelAsync();
        await Task.WhenAll(reading);
        await WaitForAsync(() => Limiter(gateway).InFlight(InFlightKind.Stream) == 0, "the cancelled feeds' permits back");
        foreach (var feed in feeds)
        {
            feed.Dispose();
        }
    }

    [Fact]
    public async Task Health_checks_are_never_limited()
    {
        var member = await mesh.CreateMemberAsync("Radio Health", "BW");
        await using var stalled = await StalledBackend.StartAsync();
        await using var gateway = Gateway(stalled, perOrganization: 1, total: 1);
        using var held = new CancellationTokenSource();
        var holding = HoldUnary(gateway, member, 1, held.Token);
        await WaitForAsync(() => Limiter(gateway).InFlight(InFlightKind.Unary) == 1, "the gateway full");

        var health = new Health.HealthClient(gateway.Grpc(null));
        using var http = gateway.Rest(null);
        for (var i = 0; i < 5; i++)
        {
            var answer = await health.CheckAsync(new HealthCheckRequest { Service = "mediamesh.organization.v1.OrganizationService" });
            Assert.NotEqual(HealthCheckResponse.Types.ServingStatus.Unknown, answer.Status);
            using var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        await held.CancelAsync();
        await holding;
    }

    [Fact]
    public async Task A_limit_out_of_range_stops_the_gateway_from_starting()
    {
        await using var gateway = new GatewayHost(new Dictionary<string, string> { ["organization"] = mesh.Organization.Address })
            .WithSetting("MediaMesh:Gateway:InFlight:Total", "0");
        var failed = Assert.ThrowsAny<Exception>(gateway.EnsureStarted);
        Assert.Contains("InFlight", failed.ToString(), StringComparison.Ordinal);
    }

    private GatewayHost Gateway(StalledBackend stalled, int perOrganization, int total, bool streamsAtTheStalledBackend = true)
    {
        var clusters = new Dictionary<string, string> { ["organization"] = mesh.Organization.Address, ["initiative"] = stalled.Address };
        if (streamsAtTheStalledBackend)
        {
            clusters["exchange"] = stalled.Address;
        }

        return new GatewayHost(clusters)
            .WithSetting("MediaMesh:Gateway:InFlight:PerOrganization", perOrganization.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithSetting("MediaMesh:Gateway:InFlight:Total", total.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static InFlightLimiter Limiter(GatewayHost gateway) => gateway.Services.GetRequiredService<InFlightLimiter>();

    private static OrgV1.OrganizationService.OrganizationServiceClient Organizations(GatewayHost gateway, Member member) =>
        new(gateway.Grpc(member.ApiKey));

    /// <summary>Starts <paramref name="count"/> calls that the stalled backend holds until <paramref name="release"/>; completes when they have all ended.</summary>
    private static Task HoldUnary(GatewayHost gateway, Member member, int count, CancellationToken release)
    {
        var initiatives = new InitV1.InitiativeService.InitiativeServiceClient(gateway.Grpc(member.ApiKey));
        return Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            var ended = await Assert.ThrowsAsync<RpcException>(() => initiatives.GetInitiativeAsync(
                new InitV1.GetInitiativeRequest { Id = Guid.NewGuid().ToString() }, cancellationToken: release).ResponseAsync);
            Assert.Equal(StatusCode.Cancelled, ended.StatusCode);
        }));
    }

    private static async Task ReadUntilCancelledAsync(IAsyncStreamReader<V1.SubscribeFeedResponse> stream)
    {
        var ended = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await stream.MoveNext(CancellationToken.None))
            {
            }
        });
        Assert.Equal(StatusCode.Cancelled, ended.StatusCode);
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), $"waited 10 s for {what}");
            await Task.Delay(20);
        }
    }
}
