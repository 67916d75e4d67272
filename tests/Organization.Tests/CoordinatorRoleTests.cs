using Google.Rpc;
using Grpc.Core;
using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Organization.Tests;

/// <summary>SetOrganizationRole and the rule that at least one active coordinator remains. Own host: counts coordinators.</summary>
public sealed class CoordinatorRoleTests(OrganizationHost host) : IClassFixture<OrganizationHost>
{
    private async Task<V1.Organization> SetRoleAsync(string id, V1.OrganizationRole role, string etag = "") =>
        (await host.Coordinator.SetOrganizationRoleAsync(new V1.SetOrganizationRoleRequest { Id = id, Role = role, Etag = etag })).Organization;

    [Fact]
    public async Task The_last_active_coordinator_can_be_neither_suspended_nor_demoted()
    {
        var first = await host.CreateActiveAsync("First Coordinator");
        first = await SetRoleAsync(first.Id, V1.OrganizationRole.Coordinator, first.Etag);
        Assert.Equal(V1.OrganizationRole.Coordinator, first.Role);
        Assert.Equal(first, await host.GetAsync(first.Id));

        var ex = await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => host.Coordinator.SuspendOrganizationAsync(new V1.SuspendOrganizationRequest { Id = first.Id }));
        Assert.Equal("LAST_COORDINATOR", ex.GetRpcStatus()!.GetDetail<PreconditionFailure>()!.Violations[0].Type);
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => host.Coordinator.SetOrganizationRoleAsync(
            new V1.SetOrganizationRoleRequest { Id = first.Id, Role = V1.OrganizationRole.Member }));
        Assert.Equal(first, await host.GetAsync(first.Id));

        // With a second active coordinator the first may step down; then the second is the last one.
        var second = await host.CreateActiveAsync("Second Coordinator");
        await SetRoleAsync(second.Id, V1.OrganizationRole.Coordinator);
        var suspended = (await host.ClientAs(second.Id, CallerRoles.Coordinator).SuspendOrganizationAsync(new V1.SuspendOrganizationRequest { Id = first.Id })).Organization;
        Assert.Equal(V1.OrganizationStatus.Suspended, suspended.Status);

        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => host.Coordinator.SetOrganizationRoleAsync(
            new V1.SetOrganizationRoleRequest { Id = second.Id, Role = V1.OrganizationRole.Member }));
        var demoted = await SetRoleAsync(first.Id, V1.OrganizationRole.Member);
        Assert.Equal(V1.OrganizationRole.Member, demoted.Role);
        Assert.Equal(V1.OrganizationRole.Coordinator, (await host.GetAsync(second.Id)).Role);
    }

    [Fact]
    public async Task Setting_the_same_role_again_is_accepted()
    {
        var member = await host.CreateActiveAsync("Plain Member");
        var again = await SetRoleAsync(member.Id, V1.OrganizationRole.Member, member.Etag);
        Assert.Equal(V1.OrganizationRole.Member, again.Role);
    }

    [Fact]
    public async Task SetRole_refusals()
    {
        var member = await host.CreateActiveAsync("Role Refusals");
        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => host.ClientAs(member.Id).SetOrganizationRoleAsync(
            new V1.SetOrganizationRoleRequest { Id = member.Id, Role = V1.OrganizationRole.Coordinator }));
        await GrpcAssert.Refused(StatusCode.NotFound, () => host.Coordinator.SetOrganizationRoleAsync(
            new V1.SetOrganizationRoleRequest { Id = "org_nope", Role = V1.OrganizationRole.Coordinator }));
        await GrpcAssert.Refused(StatusCode.Aborted, () => host.Coordinator.SetOrganizationRoleAsync(
            new V1.SetOrganizationRoleRequest { Id = member.Id, Role = V1.OrganizationRole.Coordinator, Etag = "W/\"1\"" }));
        await GrpcAssert.Invalid(() => host.Coordinator.SetOrganizationRoleAsync(new V1.SetOrganizationRoleRequest { Id = member.Id }), "role");
        await GrpcAssert.Invalid(() => host.Coordinator.SetOrganizationRoleAsync(new V1.SetOrganizationRoleRequest { Id = member.Id, Role = (V1.OrganizationRole)7 }), "role");
        await GrpcAssert.Invalid(() => host.Coordinator.SetOrganizationRoleAsync(new V1.SetOrganizationRoleRequest { Role = V1.OrganizationRole.Member }), "id");

        Assert.Equal(member, await host.GetAsync(member.Id));
    }
}
