using Grpc.Core;
using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Organization.Tests;

/// <summary>Every RPC refuses a call that carries no internal token, before looking at the request.</summary>
public sealed class AuthenticationTests(OrganizationHost host) : IClassFixture<OrganizationHost>
{
    public static TheoryData<string> Rpcs => new(
        "CreateOrganization", "GetOrganization", "BatchGetOrganizations", "ListOrganizations", "UpdateOrganization",
        "ActivateOrganization", "SuspendOrganization", "SetOrganizationRole", "RequestUnionMembership",
        "ApproveUnionMembership", "DeclineUnionMembership", "EndUnionMembership", "ListUnionMemberships",
        "CreateApiKey", "ListApiKeys", "RevokeApiKey", "ListAuditEntries", "ResolveApiKey", "GetCallerStanding");

    [Theory]
    [MemberData(nameof(Rpcs))]
    public async Task A_call_without_a_token_is_unauthenticated(string rpc)
    {
        var c = host.AnonymousClient;
        Func<Task> call = rpc switch
        {
            "CreateOrganization" => async () => await c.CreateOrganizationAsync(new V1.CreateOrganizationRequest { Organization = OrganizationHost.NewOrganization() }),
            "GetOrganization" => async () => await c.GetOrganizationAsync(new V1.GetOrganizationRequest { Id = "org_x" }),
            "BatchGetOrganizations" => async () => await c.BatchGetOrganizationsAsync(new V1.BatchGetOrganizationsRequest { Ids = { "org_x" } }),
            "ListOrganizations" => async () => await c.ListOrganizationsAsync(new V1.ListOrganizationsRequest()),
            "UpdateOrganization" => async () => await c.UpdateOrganizationAsync(new V1.UpdateOrganizationRequest { Organization = new V1.Organization { Id = "org_x" } }),
            "ActivateOrganization" => async () => await c.ActivateOrganizationAsync(new V1.ActivateOrganizationRequest { Id = "org_x" }),
            "SuspendOrganization" => async () => await c.SuspendOrganizationAsync(new V1.SuspendOrganizationRequest { Id = "org_x" }),
            "SetOrganizationRole" => async () => await c.SetOrganizationRoleAsync(new V1.SetOrganizationRoleRequest { Id = "org_x", Role = V1.OrganizationRole.Coordinator }),
            "RequestUnionMembership" => async () => await c.RequestUnionMembershipAsync(new V1.RequestUnionMembershipRequest { UnionId = "org_u", MemberId = "org_x" }),
            "ApproveUnionMembership" => async () => await c.ApproveUnionMembershipAsync(new V1.ApproveUnionMembershipRequest { Id = "mem_x" }),
            "DeclineUnionMembership" => async () => await c.DeclineUnionMembershipAsync(new V1.DeclineUnionMembershipRequest { Id = "mem_x", Reason = "r" }),
            "EndUnionMembership" => async () => await c.EndUnionMembershipAsync(new V1.EndUnionMembershipRequest { Id = "mem_x" }),
            "ListUnionMemberships" => async () => await c.ListUnionMembershipsAsync(new V1.ListUnionMembershipsRequest { UnionId = "org_u" }),
            "CreateApiKey" => async () => await c.CreateApiKeyAsync(new V1.CreateApiKeyRequest { OrganizationId = "org_x", DisplayName = "k" }),
            "ListApiKeys" => async () => await c.ListApiKeysAsync(new V1.ListApiKeysRequest { OrganizationId = "org_x" }),
            "RevokeApiKey" => async () => await c.RevokeApiKeyAsync(new V1.RevokeApiKeyRequest { OrganizationId = "org_x", Id = "key_x" }),
            "ListAuditEntries" => async () => await c.ListAuditEntriesAsync(new V1.ListAuditEntriesRequest()),
            "ResolveApiKey" => async () => await new V1.CredentialService.CredentialServiceClient(host.Anonymous())
                .ResolveApiKeyAsync(new V1.ResolveApiKeyRequest { Secret = "mmk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }),
            "GetCallerStanding" => async () => await new V1.CredentialService.CredentialServiceClient(host.Anonymous())
                .GetCallerStandingAsync(new V1.GetCallerStandingRequest { OrganizationId = "org_x" }),
            _ => throw new ArgumentOutOfRangeException(nameof(rpc), rpc, null),
        };

        await GrpcAssert.Refused(StatusCode.Unauthenticated, call);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_unauthenticated()
    {
        // Issuer "gateway", right audience and claims, a key that is not the gateway's: a forged token.
        var forger = TestKeys.SignerFor(InternalTokenNames.Gateway, TokenKeys.Generate().PrivateKey, TimeProvider.System);
        var forged = forger.Issue(OrganizationHost.CoordinatorId, CallerRoles.Coordinator);

        await GrpcAssert.Refused(StatusCode.Unauthenticated, async () => await new V1.OrganizationService.OrganizationServiceClient(host.WithToken(forged))
            .ListOrganizationsAsync(new V1.ListOrganizationsRequest()));
    }

    [Fact]
    public void Every_rpc_of_both_services_is_covered()
    {
        var methods = V1.OrganizationService.Descriptor.Methods.Concat(V1.CredentialService.Descriptor.Methods).Select(m => m.Name);
        Assert.Equal(methods.Order(StringComparer.Ordinal), Rpcs.Select(r => r.Data).Order(StringComparer.Ordinal));
    }
}
