using Grpc.Core;
using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Initiative.V1;

namespace MediaMesh.Initiative.Tests;

/// <summary>
/// A service calling the initiative service on its own behalf (README "Internal tokens"): the
/// exchange may read an initiative and its signatures, nothing else; nobody else may do even that.
/// </summary>
public sealed class ServiceTokenTests(InitiativeSystem system)
{
    private V1.InitiativeService.InitiativeServiceClient AsService(string caller) => new(system.Initiatives.AsService(caller));

    [Fact]
    public async Task The_exchange_reads_an_open_initiative_and_its_signatures_as_itself()
    {
        var proposer = await system.ActiveOrgAsync();
        var open = await system.CreateOpenAsync(proposer);
        var exchange = AsService("exchange");

        Assert.Equal(open.Id, (await exchange.GetInitiativeAsync(new V1.GetInitiativeRequest { Id = open.Id })).Initiative.Id);
        await exchange.ListSignaturesAsync(new V1.ListSignaturesRequest { InitiativeId = open.Id, PageSize = 10 });
    }

    [Fact]
    public async Task A_service_token_is_permission_denied_outside_its_grant()
    {
        var proposer = await system.ActiveOrgAsync();
        var exchange = AsService("exchange");
        await GrpcAssert.Refused(StatusCode.PermissionDenied, async () => await exchange.CreateInitiativeAsync(
            new V1.CreateInitiativeRequest { Initiative = InitiativeSystem.NewInitiative(proposer) }));
        await GrpcAssert.Refused(StatusCode.PermissionDenied, async () => await exchange.ListInitiativesAsync(new V1.ListInitiativesRequest()));
        await GrpcAssert.Refused(StatusCode.PermissionDenied, async () => await exchange.SignInitiativeAsync(
            new V1.SignInitiativeRequest { InitiativeId = "ini_x", OrganizationId = proposer, SignerName = "Signer" }));

        foreach (var caller in new[] { InternalTokenNames.Gateway, "organization", "initiative" })
        {
            await GrpcAssert.Refused(StatusCode.PermissionDenied, async () => await AsService(caller).GetInitiativeAsync(new V1.GetInitiativeRequest { Id = "ini_x" }));
        }
    }

    [Fact]
    public async Task A_coordinator_token_signed_by_the_initiative_services_own_key_is_unauthenticated()
    {
        var forged = TestKeys.Signer("initiative").Issue(OrganizationServiceHost.CoordinatorId, CallerRoles.Coordinator);
        await GrpcAssert.Refused(StatusCode.Unauthenticated, async () => await new V1.InitiativeService.InitiativeServiceClient(system.Initiatives.WithToken(forged))
            .ListInitiativesAsync(new V1.ListInitiativesRequest()));
    }
}
