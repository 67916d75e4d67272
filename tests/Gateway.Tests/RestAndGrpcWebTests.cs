using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using MediaMesh.TestSupport;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Gateway.Tests;

[Collection(nameof(MeshCollection))]
public sealed class RestAndGrpcWebTests(Mesh mesh)
{
    private static readonly string[] Spanish = ["es"];

    [Fact]
    public async Task Rest_calls_through_the_gateway_reach_the_transcoded_rpcs()
    {
        var member = await mesh.CreateMemberAsync("Radio REST", "BR");
        using var http = mesh.Gateway.Rest(member.ApiKey);

        using var response = await http.GetAsync($"/v1/organizations/{member.OrganizationId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(member.OrganizationId, body.RootElement.GetProperty("organization").GetProperty("id").GetString());

        using var batch = await http.GetAsync($"/v1/organizations:batchGet?ids={member.OrganizationId}&ids=org_missing");
        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        using var batchBody = JsonDocument.Parse(await batch.Content.ReadAsStringAsync());
        Assert.Equal("org_missing", batchBody.RootElement.GetProperty("missingIds")[0].GetString());
    }

    [Fact]
    public async Task Rest_writes_go_through_with_the_callers_role()
    {
        using var http = mesh.Gateway.Rest(mesh.Coordinator.ApiKey);

        using var created = await http.PostAsJsonAsync("/v1/organizations", new
        {
            kind = "ORGANIZATION_KIND_BROADCASTER",
            names = new[] { new { language = "es", text = "Radio Quito", original = true } },
            countryCode = "EC",
            workingLanguages = Spanish,
        });

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var id = body.RootElement.GetProperty("organization").GetProperty("id").GetString();
        var stored = await mesh.CoordinatorClient.GetOrganizationAsync(new OrgV1.GetOrganizationRequest { Id = id });
        Assert.Equal("EC", stored.Organization.CountryCode);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_rest_surface_of_every_service()
    {
        using var http = mesh.Gateway.Rest(null);

        using var document = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json"));

        var paths = document.RootElement.GetProperty("paths");
        Assert.True(paths.GetProperty("/v1/organizations/{id}").TryGetProperty("get", out var get));
        Assert.Equal("OrganizationService_GetOrganization", get.GetProperty("operationId").GetString());
        Assert.True(paths.GetProperty("/v1/initiatives").TryGetProperty("post", out _));
        Assert.True(paths.GetProperty("/v1/catalogue:search").TryGetProperty("get", out _));
        var organization = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("mediamesh.organization.v1.Organization");
        Assert.True(organization.GetProperty("properties").TryGetProperty("countryCode", out _));
    }

    [Fact]
    public async Task Rest_without_a_key_is_401_with_a_status_body()
    {
        using var http = mesh.Gateway.Rest(null);

        using var response = await http.GetAsync($"/v1/organizations/{mesh.Coordinator.OrganizationId}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((int)StatusCode.Unauthenticated, body.RootElement.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Grpc_web_over_http1_reaches_the_service_and_gets_gateway_refusals()
    {
        var member = await mesh.CreateMemberAsync("Radio Browser", "PE");
        var client = new OrgV1.OrganizationService.OrganizationServiceClient(mesh.Gateway.GrpcWeb(member.ApiKey));

        var own = await client.GetOrganizationAsync(new OrgV1.GetOrganizationRequest { Id = member.OrganizationId });
        Assert.Equal(member.OrganizationId, own.Organization.Id);

        var anonymous = new OrgV1.OrganizationService.OrganizationServiceClient(mesh.Gateway.GrpcWeb(null));
        await GrpcAssert.Refused(StatusCode.Unauthenticated, () => anonymous.GetOrganizationAsync(new OrgV1.GetOrganizationRequest { Id = member.OrganizationId }));
    }
}
