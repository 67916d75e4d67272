using Grpc.Core;
using Grpc.Health.V1;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Gateway.Tests;

[Collection(nameof(MeshCollection))]
public sealed class ExchangeThroughGatewayTests(Mesh mesh)
{
    [Fact]
    public async Task A_member_creates_publishes_and_finds_an_offer_through_the_gateway()
    {
        var kenya = await mesh.CreateMemberAsync("Kenya Broadcasting Corporation", "KE");
        var owner = new ExchangeClients(mesh.Gateway, kenya);
        var searcher = new ExchangeClients(mesh.Gateway, await mesh.CreateMemberAsync("Prasar Bharati", "IN"));
        var subject = ExchangeClients.UniqueSubject();

        var published = await owner.PublishAsync(subject);
        var found = await searcher.Catalogue.SearchOffersAsync(new V1.SearchOffersRequest { Subject = subject });

        Assert.Equal(V1.OfferState.Offered, published.State);
        var offer = Assert.Single(found.Offers);
        Assert.Equal(published.Id, offer.Id);
        Assert.Equal(kenya.OrganizationId, offer.OwnerId);
        Assert.Equal("Floods in the Rift Valley", offer.Headlines[0].Text);
    }

    [Fact]
    public async Task Exchange_refusals_come_back_through_the_gateway_with_their_details()
    {
        var owner = new ExchangeClients(mesh.Gateway, await mesh.CreateMemberAsync("Ghana Broadcasting Corporation", "GH"));
        var other = new ExchangeClients(mesh.Gateway, await mesh.CreateMemberAsync("National Media Authority", "EG"));
        var draft = await owner.CreateDraftAsync(ExchangeClients.UniqueSubject());

        await GrpcAssert.Invalid(() => owner.Offers.CreateOfferAsync(new V1.CreateOfferRequest()), "offer");
        // A draft is the owner's alone: to anyone else it does not exist.
        await GrpcAssert.Refused(StatusCode.NotFound, () => other.Offers.GetOfferAsync(new V1.GetOfferRequest { Id = draft.Id }));
        var own = await owner.Offers.GetOfferAsync(new V1.GetOfferRequest { Id = draft.Id });
        Assert.Equal(V1.OfferState.Draft, own.Offer.State);
    }

    [Fact]
    public async Task Health_through_the_gateway_reports_the_exchange_serving()
    {
        var health = new Health.HealthClient(mesh.Gateway.Grpc(null));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        HealthCheckResponse exchange;
        while ((exchange = await health.CheckAsync(new HealthCheckRequest { Service = "mediamesh.exchange.v1.CatalogueService" })).Status
            != HealthCheckResponse.Types.ServingStatus.Serving && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, exchange.Status);
    }
}
