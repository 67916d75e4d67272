using System.Diagnostics;
using System.Net;
using Grpc.Core;
using Grpc.Health.V1;
using MediaMesh.TestSupport;
using OrgV1 = MediaMesh.Contracts.Organization.V1;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace MediaMesh.Gateway.Tests;

/// <summary>Own organization service and gateway: these tests stop and restart the backend.</summary>
public sealed class BackendAvailabilityTests
{
    [Fact]
    public async Task A_backend_that_is_down_gives_unavailable_quickly_and_calls_recover_when_it_is_back()
    {
        var first = new OrganizationServiceHost();
        first.StartServer();
        var (_, key) = await first.BootstrapCoordinatorAsync();
        await using var gateway = new GatewayHost(new Dictionary<string, string> { ["organization"] = first.Address })
            .WithSetting("MediaMesh:Gateway:KeyCacheTime", "00:05:00");
        var client = new OrgV1.OrganizationService.OrganizationServiceClient(gateway.Grpc(key));
        var list = new OrgV1.ListOrganizationsRequest();
        Assert.Single((await client.ListOrganizationsAsync(list)).Organizations);

        var port = first.Port;
        await first.DisposeAsync();
        var clock = Stopwatch.StartNew();
        var refused = await GrpcAssert.Refused(StatusCode.Unavailable, () => client.ListOrganizationsAsync(list));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"UNAVAILABLE took {clock.Elapsed}");
        Assert.NotNull(refused.GetRpcStatus()?.GetDetail<Google.Rpc.RetryInfo>());

        // The same address comes back (a restarted container); the key is still in the gateway's cache.
        await using var second = new OrganizationServiceHost(port);
        second.StartServer();
        var until = DateTime.UtcNow.AddSeconds(15);
        OrgV1.ListOrganizationsResponse? recovered = null;
        while (recovered is null && DateTime.UtcNow < until)
        {
            try
            {
                recovered = await client.ListOrganizationsAsync(list);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable)
            {
                await Task.Delay(200);
            }
        }

        Assert.NotNull(recovered);
    }

    [Fact]
    public async Task A_cluster_whose_backend_is_not_running_answers_unavailable()
    {
        await using var organization = new OrganizationServiceHost();
        organization.StartServer();
        var (_, key) = await organization.BootstrapCoordinatorAsync();
        // The initiative cluster points at a closed port.
        await using var gateway = new GatewayHost(new Dictionary<string, string> { ["organization"] = organization.Address });
        var client = new Contracts.Initiative.V1.InitiativeService.InitiativeServiceClient(gateway.Grpc(key));

        var clock = Stopwatch.StartNew();
        await GrpcAssert.Refused(StatusCode.Unavailable, () => client.GetInitiativeAsync(new Contracts.Initiative.V1.GetInitiativeRequest { Id = "ini_x" }));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"UNAVAILABLE took {clock.Elapsed}");
    }
}

/// <summary>
/// The gateway's /health/ready says the gateway can serve, whatever its backends do; each backend's
/// health is in grpc.health.v1. An orchestrator must not pull every gateway because one service is down.
/// </summary>
public sealed class GatewayReadinessTests
{
    [Fact]
    public async Task Readiness_stays_healthy_with_a_backend_down_while_grpc_health_says_that_service_is_not_serving()
    {
        var organization = new OrganizationServiceHost();
        organization.StartServer();
        // Initiative and exchange point at closed ports: those backends are down from the start.
        await using var gateway = new GatewayHost(new Dictionary<string, string> { ["organization"] = organization.Address });
        var health = new Health.HealthClient(gateway.Grpc(null));
        using var http = gateway.Rest(null);

        var serving = await WaitForStatusAsync(health, "mediamesh.organization.v1.OrganizationService", ServingStatus.Serving);
        Assert.Equal(ServingStatus.Serving, serving);
        Assert.Equal(ServingStatus.NotServing, await WaitForStatusAsync(health, "mediamesh.initiative.v1.InitiativeService", ServingStatus.NotServing));
        Assert.Equal(ServingStatus.NotServing, await WaitForStatusAsync(health, "mediamesh.exchange.v1.OfferService", ServingStatus.NotServing));
        Assert.Equal(ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest())).Status);

        using (var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        // The last backend goes down as well: still ready, and grpc.health.v1 follows the backend.
        await organization.DisposeAsync();
        Assert.Equal(ServingStatus.NotServing, await WaitForStatusAsync(health, "mediamesh.organization.v1.OrganizationService", ServingStatus.NotServing));
        using (var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        using var live = await http.GetAsync(new Uri("/health/live", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    private static async Task<ServingStatus> WaitForStatusAsync(Health.HealthClient health, string service, ServingStatus wanted)
    {
        // Active probes run every second in these tests; a passive failure takes a destination out at once.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        ServingStatus status;
        while ((status = (await health.CheckAsync(new HealthCheckRequest { Service = service })).Status) != wanted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        return status;
    }
}

/// <summary>A cluster with two destinations sharing one database, as two replicas of a service would.</summary>
public sealed class LoadBalancingTests
{
    [Fact]
    public async Task Calls_are_spread_over_destinations_and_a_dead_one_is_taken_out()
    {
        var shared = Path.Combine(Path.GetTempPath(), "mediamesh-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(shared);
        try
        {
            await using var first = new OrganizationServiceHost(dataDirectory: shared);
            first.StartServer();
            var (_, key) = await first.BootstrapCoordinatorAsync();
            var second = new OrganizationServiceHost(dataDirectory: shared);
            second.StartServer();
            await using var gateway = new GatewayHost(new Dictionary<string, string> { ["organization"] = first.Address })
                .WithSetting("ReverseProxy:Clusters:organization:Destinations:organization-2:Address", second.Address);
            var client = new OrgV1.OrganizationService.OrganizationServiceClient(gateway.Grpc(key));
            var list = new OrgV1.ListOrganizationsRequest();

            for (var i = 0; i < 30; i++)
            {
                await client.ListOrganizationsAsync(list);
            }

            Assert.True(first.MemberCalls > 0 && second.MemberCalls > 0, $"first {first.MemberCalls}, second {second.MemberCalls}");

            await second.DisposeAsync();
            // Within a couple of probe intervals the dead destination is out; then every call succeeds.
            await Task.Delay(TimeSpan.FromSeconds(3));
            var before = first.MemberCalls;
            for (var i = 0; i < 20; i++)
            {
                Assert.Single((await client.ListOrganizationsAsync(list)).Organizations);
            }

            Assert.Equal(before + 20, first.MemberCalls);
        }
        finally
        {
            try
            {
                Directory.Delete(shared, recursive: true);
            }
            catch (IOException)
            {
                // SQLite may still hold a pooled handle; the temp folder is cleaned by the OS.
            }
        }
    }
}
