using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.TestSupport;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Gateway.Tests;

[Collection(nameof(MeshCollection))]
public sealed class AuthenticationTests(Mesh mesh)
{
    private OrgV1.OrganizationService.OrganizationServiceClient Client(string? key) => new(mesh.Gateway.Grpc(key));

    private static OrgV1.GetOrganizationRequest Get(string id) => new() { Id = id };

    [Fact]
    public async Task A_call_without_a_key_is_unauthenticated()
    {
        await GrpcAssert.Refused(StatusCode.Unauthenticated, () => Client(null).GetOrganizationAsync(Get(mesh.Coordinator.OrganizationId)));
    }

    [Fact]
    public async Task An_unknown_key_is_unauthenticated()
    {
        await GrpcAssert.Refused(StatusCode.Unauthenticated, () => Client("mmk_not_a_real_key_0000000000000000").GetOrganizationAsync(Get(mesh.Coordinator.OrganizationId)));
    }

    [Fact]
    public async Task A_key_in_another_scheme_is_unauthenticated()
    {
        var invoker = mesh.Gateway.Grpc(null);
        var client = new OrgV1.OrganizationService.OrganizationServiceClient(invoker);
        await GrpcAssert.Refused(StatusCode.Unauthenticated, () => client.GetOrganizationAsync(Get(mesh.Coordinator.OrganizationId),
            new Metadata { { "authorization", "Basic " + mesh.Coordinator.ApiKey } }));
    }

    [Fact]
    public async Task An_internal_token_presented_to_the_gateway_is_not_an_api_key()
    {
        // Even a correctly signed coordinator token is refused: members authenticate with keys only.
        var forged = Mesh.InternalToken(mesh.Coordinator.OrganizationId, CallerRoles.Coordinator);
        await GrpcAssert.Refused(StatusCode.Unauthenticated, () => Client(forged).GetOrganizationAsync(Get(mesh.Coordinator.OrganizationId)));
    }

    [Fact]
    public async Task A_pending_organisations_key_is_permission_denied()
    {
        var pending = await mesh.CreateMemberAsync("Radio Pending", "GH", activate: false);
        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => Client(pending.ApiKey).GetOrganizationAsync(Get(pending.OrganizationId)));
    }

    [Fact]
    public async Task A_suspended_organisations_key_is_permission_denied_within_the_cache_time()
    {
        var member = await mesh.CreateMemberAsync("Radio Suspended", "UG");
        await Client(member.ApiKey).GetOrganizationAsync(Get(member.OrganizationId));

        await mesh.CoordinatorClient.SuspendOrganizationAsync(new OrgV1.SuspendOrganizationRequest { Id = member.OrganizationId, Reason = "test" });

        var refused = await WaitForRefusal(member.ApiKey, member.OrganizationId);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
    }

    [Fact]
    public async Task A_revoked_key_stops_working_within_the_key_cache_time()
    {
        var member = await mesh.CreateMemberAsync("Radio Revoked", "TZ");
        var second = await mesh.CoordinatorClient.CreateApiKeyAsync(new OrgV1.CreateApiKeyRequest { OrganizationId = member.OrganizationId, DisplayName = "second" });
        await Client(member.ApiKey).GetOrganizationAsync(Get(member.OrganizationId));

        var revokedAt = Stopwatch.StartNew();
        await Client(second.Secret).RevokeApiKeyAsync(new OrgV1.RevokeApiKeyRequest { OrganizationId = member.OrganizationId, Id = member.ApiKeyId });
        var refused = await WaitForRefusal(member.ApiKey, member.OrganizationId);

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.True(revokedAt.Elapsed < TimeSpan.FromSeconds(2) + TimeSpan.FromSeconds(1.5), $"took {revokedAt.Elapsed}");
        // The organisation's other key still works.
        await Client(second.Secret).GetOrganizationAsync(Get(member.OrganizationId));
    }

    [Fact]
    public async Task A_coordinators_key_carries_the_coordinator_role()
    {
        var created = await mesh.CoordinatorClient.CreateOrganizationAsync(new OrgV1.CreateOrganizationRequest
        {
            Organization = new OrgV1.Organization
            {
                Kind = OrgV1.OrganizationKind.NewsAgency,
                Names = { new Contracts.Common.V1.LocalizedText { Language = "en", Text = "Agency by coordinator", Original = true } },
                CountryCode = "EG",
                WorkingLanguages = { "ar" },
            },
        });
        var member = await mesh.CreateMemberAsync("Radio Member Role", "KE");

        Assert.Equal(OrgV1.OrganizationStatus.Pending, created.Organization.Status);
        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => Client(member.ApiKey).ActivateOrganizationAsync(new OrgV1.ActivateOrganizationRequest { Id = created.Organization.Id }));
    }

    [Fact]
    public async Task The_services_refuse_calls_that_bypass_the_gateway()
    {
        using var direct = GrpcChannel.ForAddress(mesh.Organization.Address);
        var client = new OrgV1.OrganizationService.OrganizationServiceClient(direct);

        await GrpcAssert.Refused(StatusCode.Unauthenticated, () => client.GetOrganizationAsync(Get(mesh.Coordinator.OrganizationId)));
        await GrpcAssert.Refused(StatusCode.Unauthenticated, () => client.GetOrganizationAsync(Get(mesh.Coordinator.OrganizationId),
            new Metadata { { "authorization", "Bearer " + mesh.Coordinator.ApiKey } }));
        var forged = TestKeys.SignerFor(InternalTokenNames.Gateway, TokenKeys.Generate().PrivateKey, TimeProvider.System)
            .Issue(mesh.Coordinator.OrganizationId, CallerRoles.Coordinator);
        await GrpcAssert.Refused(StatusCode.Unauthenticated, () => client.GetOrganizationAsync(Get(mesh.Coordinator.OrganizationId),
            new Metadata { { "authorization", "Bearer " + forged } }));
    }

    private async Task<RpcException> WaitForRefusal(string key, string organizationId)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                await Client(key).GetOrganizationAsync(Get(organizationId));
            }
            catch (RpcException ex)
            {
                return ex;
            }

            Assert.True(DateTime.UtcNow < until, "the key kept working");
            await Task.Delay(100);
        }
    }
}
