using System.Net;
using System.Text.Json;
using CommonV1 = MediaMesh.Contracts.Common.V1;
using OrgV1 = MediaMesh.Contracts.Organization.V1;
using V1 = MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Gateway.Tests;

/// <summary>Both new audit trails through the gateway: gRPC and REST routes, and the key id the gateway puts in the token.</summary>
[Collection(nameof(MeshCollection))]
public sealed class AuditThroughGatewayTests(Mesh mesh)
{
    [Fact]
    public async Task Entries_carry_the_api_key_the_gateway_resolved_on_grpc_and_rest()
    {
        var kenya = await mesh.CreateMemberAsync("Audited Kenya", "KE");
        var owner = new ExchangeClients(mesh.Gateway, kenya);
        var published = await owner.PublishAsync(ExchangeClients.UniqueSubject());

        var exchange = new V1.AuditService.AuditServiceClient(mesh.Gateway.Grpc(kenya.ApiKey));
        var entries = (await exchange.ListAuditEntriesAsync(new V1.ListAuditEntriesRequest
        {
            Filter = new CommonV1.AuditFilter { SubjectId = published.Id },
        })).Entries;
        Assert.Equal(["offer.created", "offer.published"], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal(kenya.ApiKeyId, e.ActorApiKeyId));

        // The directory's trail: the coordinator's activation of Kenya, made with the coordinator's key.
        var directory = new OrgV1.OrganizationService.OrganizationServiceClient(mesh.Gateway.Grpc(kenya.ApiKey));
        var own = (await directory.ListAuditEntriesAsync(new OrgV1.ListAuditEntriesRequest
        {
            Filter = new CommonV1.AuditFilter { SubjectId = kenya.OrganizationId, Action = "organization.activated" },
        })).Entries;
        var activation = Assert.Single(own);
        Assert.Equal(mesh.Coordinator.OrganizationId, activation.ActorOrganizationId);
        var coordinatorKeys = await mesh.CoordinatorClient.ListApiKeysAsync(new OrgV1.ListApiKeysRequest { OrganizationId = mesh.Coordinator.OrganizationId });
        Assert.Equal(coordinatorKeys.ApiKeys.Single(k => k.DisplayName == "bootstrap").Id, activation.ActorApiKeyId);

        using var http = mesh.Gateway.Rest(kenya.ApiKey);
        using var exchangeRest = await http.GetAsync($"/v1/exchange/auditEntries?filter.subjectId={published.Id}");
        Assert.Equal(HttpStatusCode.OK, exchangeRest.StatusCode);
        using var exchangeBody = JsonDocument.Parse(await exchangeRest.Content.ReadAsStringAsync());
        Assert.Equal("offer.created", exchangeBody.RootElement.GetProperty("entries")[0].GetProperty("action").GetString());

        using var directoryRest = await http.GetAsync($"/v1/organizations/-/auditEntries?filter.subjectId={kenya.OrganizationId}&filter.action=organization.activated");
        Assert.Equal(HttpStatusCode.OK, directoryRest.StatusCode);
        using var directoryBody = JsonDocument.Parse(await directoryRest.Content.ReadAsStringAsync());
        Assert.Equal(activation.Id, directoryBody.RootElement.GetProperty("entries")[0].GetProperty("id").GetInt64());
    }
}
