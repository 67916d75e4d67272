using Grpc.Core;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Organization.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;

namespace MediaMesh.Organization.Tests;

/// <summary>CredentialService.GetCallerStanding, as long calls of other services re-check their caller with it.</summary>
public sealed class CallerStandingTests(OrganizationHost host) : IClassFixture<OrganizationHost>
{
    private Task<V1.GetCallerStandingResponse> StandingAsync(string organizationId, string apiKeyId = "") =>
        host.Gateway.GetCallerStandingAsync(new V1.GetCallerStandingRequest { OrganizationId = organizationId, ApiKeyId = apiKeyId }).ResponseAsync;

    [Fact]
    public async Task An_active_member_with_a_usable_key_is_in_good_standing()
    {
        var union = await host.CreateUnionAsync(OrganizationHost.Unique("Standing Union"));
        var org = await host.CreateActiveAsync(OrganizationHost.Unique("Standing"), "GH");
        await host.ApprovedMembershipAsync(union.Id, org.Id);
        var key = await host.ClientAs(org.Id).CreateApiKeyAsync(new V1.CreateApiKeyRequest { OrganizationId = org.Id, DisplayName = "feed" });

        var standing = await StandingAsync(org.Id, key.ApiKey.Id);

        Assert.Equal(org.Id, standing.OrganizationId);
        Assert.Equal(V1.OrganizationStatus.Active, standing.Status);
        Assert.Equal(V1.OrganizationRole.Member, standing.Role);
        Assert.True(standing.ApiKeyActive);
        Assert.Equal("GH", standing.CountryCode);
        Assert.Equal(CommonV1.Region.Africa, standing.Region);
        Assert.Equal([union.Id], standing.UnionIds);
    }

    [Fact]
    public async Task Revocation_suspension_and_role_changes_show_at_once()
    {
        var org = await host.CreateActiveAsync(OrganizationHost.Unique("Changing"));
        // Another active coordinator, so the role can be taken away again.
        var keeper = await host.CreateActiveAsync(OrganizationHost.Unique("Keeper"));
        await host.Coordinator.SetOrganizationRoleAsync(new V1.SetOrganizationRoleRequest { Id = keeper.Id, Role = V1.OrganizationRole.Coordinator });
        var key = await host.ClientAs(org.Id).CreateApiKeyAsync(new V1.CreateApiKeyRequest { OrganizationId = org.Id, DisplayName = "feed" });
        await host.Coordinator.SetOrganizationRoleAsync(new V1.SetOrganizationRoleRequest { Id = org.Id, Role = V1.OrganizationRole.Coordinator });
        Assert.Equal(V1.OrganizationRole.Coordinator, (await StandingAsync(org.Id, key.ApiKey.Id)).Role);

        await host.Coordinator.SetOrganizationRoleAsync(new V1.SetOrganizationRoleRequest { Id = org.Id, Role = V1.OrganizationRole.Member });
        await host.ClientAs(org.Id).RevokeApiKeyAsync(new V1.RevokeApiKeyRequest { OrganizationId = org.Id, Id = key.ApiKey.Id });
        await host.Coordinator.SuspendOrganizationAsync(new V1.SuspendOrganizationRequest { Id = org.Id });

        var standing = await StandingAsync(org.Id, key.ApiKey.Id);
        Assert.Equal(V1.OrganizationRole.Member, standing.Role);
        Assert.Equal(V1.OrganizationStatus.Suspended, standing.Status);
        Assert.False(standing.ApiKeyActive);
    }

    [Fact]
    public async Task A_key_of_another_organisation_an_unknown_key_or_none_is_not_active()
    {
        var org = await host.CreateActiveAsync(OrganizationHost.Unique("Own"));
        var other = await host.CreateActiveAsync(OrganizationHost.Unique("Other"));
        var othersKey = await host.ClientAs(other.Id).CreateApiKeyAsync(new V1.CreateApiKeyRequest { OrganizationId = other.Id, DisplayName = "k" });

        Assert.False((await StandingAsync(org.Id, othersKey.ApiKey.Id)).ApiKeyActive);
        Assert.False((await StandingAsync(org.Id, "key_unknown")).ApiKeyActive);
        Assert.False((await StandingAsync(org.Id)).ApiKeyActive);
    }

    [Fact]
    public async Task An_unknown_organisation_is_not_found()
    {
        await GrpcAssert.Refused(StatusCode.NotFound, () => StandingAsync("org_nobody"));
    }

    [Fact]
    public async Task Only_services_may_ask_and_the_organisation_is_required()
    {
        var org = await host.CreateActiveAsync(OrganizationHost.Unique("Curious"));
        var asMember = new V1.CredentialService.CredentialServiceClient(host.As(org.Id));
        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => asMember.GetCallerStandingAsync(new V1.GetCallerStandingRequest { OrganizationId = org.Id }).ResponseAsync);
        var asCoordinator = new V1.CredentialService.CredentialServiceClient(host.As(OrganizationHost.CoordinatorId, MediaMesh.ServiceDefaults.Identity.CallerRoles.Coordinator));
        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => asCoordinator.GetCallerStandingAsync(new V1.GetCallerStandingRequest { OrganizationId = org.Id }).ResponseAsync);
        await GrpcAssert.Refused(StatusCode.InvalidArgument, () => StandingAsync(string.Empty));
    }
}
