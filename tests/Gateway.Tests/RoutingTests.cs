using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1;
using MediaMesh.TestSupport;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Gateway.Tests;

[Collection(nameof(MeshCollection))]
public sealed class RoutingTests(Mesh mesh)
{
    [Fact]
    public async Task A_member_reaches_the_organization_service_through_the_gateway()
    {
        var member = await mesh.CreateMemberAsync("Radio Maputo", "MZ");
        var client = new OrgV1.OrganizationService.OrganizationServiceClient(mesh.Gateway.Grpc(member.ApiKey));

        var own = await client.GetOrganizationAsync(new OrgV1.GetOrganizationRequest { Id = member.OrganizationId });

        Assert.Equal(member.OrganizationId, own.Organization.Id);
        Assert.Equal(OrgV1.OrganizationStatus.Active, own.Organization.Status);
    }

    [Fact]
    public async Task Status_details_in_trailers_pass_through_unchanged()
    {
        var member = await mesh.CreateMemberAsync("Radio Lusaka", "ZM");
        var client = new OrgV1.OrganizationService.OrganizationServiceClient(mesh.Gateway.Grpc(member.ApiKey));

        await GrpcAssert.Invalid(() => client.CreateApiKeyAsync(new OrgV1.CreateApiKeyRequest { OrganizationId = member.OrganizationId }), "display_name");
        var missing = await GrpcAssert.Refused(StatusCode.NotFound, () => client.GetOrganizationAsync(new OrgV1.GetOrganizationRequest { Id = "org_does_not_exist" }));
        Assert.NotNull(missing.GetRpcStatus()?.GetDetail<Google.Rpc.ResourceInfo>());
    }

    [Fact]
    public async Task Object_level_refusals_come_from_the_service_with_the_members_identity()
    {
        var member = await mesh.CreateMemberAsync("TV Dakar", "SN");
        var other = await mesh.CreateMemberAsync("TV Bamako", "ML");
        var client = new OrgV1.OrganizationService.OrganizationServiceClient(mesh.Gateway.Grpc(member.ApiKey));

        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => client.ListApiKeysAsync(new OrgV1.ListApiKeysRequest { OrganizationId = other.OrganizationId }));
        var own = await client.ListApiKeysAsync(new OrgV1.ListApiKeysRequest { OrganizationId = member.OrganizationId });
        Assert.Contains(own.ApiKeys, k => k.Id == member.ApiKeyId);
    }

    [Fact]
    public async Task An_unknown_service_path_is_unimplemented()
    {
        var member = await mesh.CreateMemberAsync("Radio Windhoek", "NA");
        var invoker = mesh.Gateway.Grpc(member.ApiKey);
        var method = new Method<Empty, Empty>(MethodType.Unary, "mediamesh.nothing.v1.NoService", "Nope", Marshallers.Empty, Marshallers.Empty);

        await GrpcAssert.Refused(StatusCode.Unimplemented, () => invoker.AsyncUnaryCall(method, null, default, new Empty()).ResponseAsync);
    }

    [Fact]
    public async Task The_internal_credential_service_is_not_routed()
    {
        var coordinator = new OrgV1.CredentialService.CredentialServiceClient(mesh.Gateway.Grpc(mesh.Coordinator.ApiKey));

        await GrpcAssert.Refused(StatusCode.Unimplemented,
            () => coordinator.ResolveApiKeyAsync(new OrgV1.ResolveApiKeyRequest { Secret = mesh.Coordinator.ApiKey }));
    }

    [Fact]
    public async Task Reflection_through_the_gateway_lists_every_public_service_and_describes_them()
    {
        var reflection = new ServerReflection.ServerReflectionClient(mesh.Gateway.Grpc(null));
        using var call = reflection.ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty });
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = "mediamesh.exchange.v1.CatalogueService" });
        await call.RequestStream.CompleteAsync();
        var responses = new List<ServerReflectionResponse>();
        await foreach (var response in call.ResponseStream.ReadAllAsync())
        {
            responses.Add(response);
        }

        var listed = responses[0].ListServicesResponse.Service.Select(s => s.Name).ToHashSet();
        string[] expected =
        [
            "mediamesh.organization.v1.OrganizationService", "mediamesh.initiative.v1.InitiativeService",
            "mediamesh.exchange.v1.OfferService", "mediamesh.exchange.v1.MediaService", "mediamesh.exchange.v1.LicensingService",
            "mediamesh.exchange.v1.CatalogueService", "mediamesh.exchange.v1.UsageService", "grpc.health.v1.Health",
        ];
        Assert.All(expected, name => Assert.Contains(name, listed));
        Assert.DoesNotContain("mediamesh.organization.v1.CredentialService", listed);
        Assert.NotEmpty(responses[1].FileDescriptorResponse.FileDescriptorProto);
    }

    [Fact]
    public async Task Health_through_the_gateway_reports_each_backend()
    {
        var health = new Health.HealthClient(mesh.Gateway.Grpc(null));

        // The first active probe runs within a second of start.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        HealthCheckResponse organization;
        do
        {
            organization = await health.CheckAsync(new HealthCheckRequest { Service = "mediamesh.organization.v1.OrganizationService" });
        }
        while (organization.Status != HealthCheckResponse.Types.ServingStatus.Serving && DateTime.UtcNow < deadline && await Delay());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, organization.Status);
        var unknown = await GrpcAssert.Refused(StatusCode.NotFound, () => health.CheckAsync(new HealthCheckRequest { Service = "mediamesh.nothing.v1.NoService" }));
        Assert.NotNull(unknown);
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(200);
        return true;
    }

    private sealed class Empty;

    private static class Marshallers
    {
        public static readonly Marshaller<Empty> Empty = new(_ => [], _ => new Empty());
    }
}
