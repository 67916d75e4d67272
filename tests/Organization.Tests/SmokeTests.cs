using Grpc.Core;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Organization.Tests;

public sealed class SmokeTests : IClassFixture<OrganizationHost>
{
    private readonly OrganizationHost _host;

    public SmokeTests(OrganizationHost host) => _host = host;

    [Fact]
    public async Task Coordinator_registers_an_organisation_in_pending_with_derived_region()
    {
        var response = await _host.Coordinator.CreateOrganizationAsync(new V1.CreateOrganizationRequest { Organization = OrganizationHost.NewOrganization() });

        Assert.StartsWith("org_", response.Organization.Id, StringComparison.Ordinal);
        Assert.Equal(V1.OrganizationStatus.Pending, response.Organization.Status);
        Assert.Equal(Contracts.Common.V1.Region.Africa, response.Organization.Region);
    }

    [Fact]
    public async Task A_call_without_token_is_unauthenticated()
    {
        var client = new V1.OrganizationService.OrganizationServiceClient(_host.Anonymous());
        await GrpcAssert.Refused(StatusCode.Unauthenticated, () => client.GetOrganizationAsync(new V1.GetOrganizationRequest { Id = "x" }));
    }
}
