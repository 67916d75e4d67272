using System.Diagnostics;
using Grpc.Core;
using MediaMesh.TestSupport;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

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
