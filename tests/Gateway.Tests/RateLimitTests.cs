using Google.Rpc;
using Grpc.Core;
using MediaMesh.TestSupport;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Gateway.Tests;

[Collection(nameof(MeshCollection))]
public sealed class RateLimitTests(Mesh mesh)
{
    [Fact]
    public async Task An_organisation_over_its_limit_gets_resource_exhausted_with_retry_info_and_others_are_unaffected()
    {
        var busy = await mesh.CreateMemberAsync("Radio Busy", "NG");
        var calm = await mesh.CreateMemberAsync("Radio Calm", "NG");
        await using var gateway = new GatewayHost(new Dictionary<string, string> { ["organization"] = mesh.Organization.Address })
            .WithSetting("MediaMesh:Gateway:RateLimit:BurstLimit", "3")
            .WithSetting("MediaMesh:Gateway:RateLimit:TokensPerPeriod", "1")
            .WithSetting("MediaMesh:Gateway:RateLimit:ReplenishmentPeriod", "00:10:00");
        var busyClient = new OrgV1.OrganizationService.OrganizationServiceClient(gateway.Grpc(busy.ApiKey));
        var request = new OrgV1.GetOrganizationRequest { Id = busy.OrganizationId };

        for (var i = 0; i < 3; i++)
        {
            await busyClient.GetOrganizationAsync(request);
        }

        var refused = await GrpcAssert.Refused(StatusCode.ResourceExhausted, () => busyClient.GetOrganizationAsync(request));
        var retry = refused.GetRpcStatus()?.GetDetail<RetryInfo>();
        Assert.NotNull(retry);
        Assert.True(retry.RetryDelay.ToTimeSpan() > TimeSpan.FromMinutes(5), $"retry after {retry.RetryDelay}");
        Assert.NotNull(refused.Trailers.GetValue("retry-after"));

        var calmClient = new OrgV1.OrganizationService.OrganizationServiceClient(gateway.Grpc(calm.ApiKey));
        var calmResponse = await calmClient.GetOrganizationAsync(new OrgV1.GetOrganizationRequest { Id = calm.OrganizationId });
        Assert.Equal(calm.OrganizationId, calmResponse.Organization.Id);
    }
}
