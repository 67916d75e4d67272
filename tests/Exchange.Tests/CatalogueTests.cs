using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Exchange.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;

namespace MediaMesh.Exchange.Tests;

[Collection("exchange")]
public sealed class CatalogueTests(ExchangeFixture f)
{
    [Fact]
    public async Task Search_filters_by_text_type_language_subject_genre_and_owner()
    {
        var subject = ExchangeFixture.UniqueSubject();
        var floods = await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer(subject, headline: "Monsoon floods reach the delta"));
        var doc = ExchangeFixture.NewOffer(subject, headline: "Makers of the kente cloth");
        doc.Type = V1.OfferType.Documentary;
        doc.Slugline = "KENTE-WEAVERS-GHANA";
        doc.AudioLanguages.Clear();
        doc.AudioLanguages.Add("fr");
        doc.Genres.Clear();
        doc.Genres.Add("Culture");
        var documentary = await f.PublishAsync(f.Ghana, doc);
        var draft = await f.Exchange.Offers(f.Kenya).CreateOfferAsync(new V1.CreateOfferRequest { Offer = ExchangeFixture.NewOffer(subject) });
        var catalogue = f.Exchange.Catalogue(f.India);

        async Task<string[]> Find(V1.SearchOffersRequest request)
        {
            request.Subject = subject;
            return (await catalogue.SearchOffersAsync(request)).Offers.Select(o => o.Id).ToArray();
        }

        Assert.Equal([documentary.Id, floods.Id], await Find(new V1.SearchOffersRequest()));
        Assert.Equal([floods.Id], await Find(new V1.SearchOffersRequest { Text = "MONSOON delta" }));
        Assert.Equal([floods.Id], await Find(new V1.SearchOffersRequest { Text = "0421-floods" }));
        Assert.Equal([documentary.Id], await Find(new V1.SearchOffersRequest { Types_ = { V1.OfferType.Documentary } }));
        Assert.Equal([documentary.Id], await Find(new V1.SearchOffersRequest { Language = "FR" }));
        Assert.Equal([floods.Id], await Find(new V1.SearchOffersRequest { Language = "sw" }));
        Assert.Equal([documentary.Id], await Find(new V1.SearchOffersRequest { Genre = "culture" }));
        Assert.Equal([floods.Id], await Find(new V1.SearchOffersRequest { OwnerId = f.Kenya }));
        Assert.Equal([documentary.Id, floods.Id], await Find(new V1.SearchOffersRequest { OwnerUnionId = f.AfricanUnion, OwnerRegion = CommonV1.Region.Africa }));
        Assert.Empty(await Find(new V1.SearchOffersRequest { OwnerRegion = CommonV1.Region.Europe }));
        Assert.DoesNotContain(draft.Offer.Id, await Find(new V1.SearchOffersRequest { ShowUnavailable = true }));
    }

    [Fact]
    public async Task Available_in_territory_honours_rights_embargo_expiry_and_state()
    {
        var subject = ExchangeFixture.UniqueSubject();
        var open = await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer(subject));
        var africaOnly = ExchangeFixture.NewOffer(subject, ExchangeFixture.Rights());
        africaOnly.Rights.AllowedTerritories = new V1.Territories { Regions = { CommonV1.Region.Africa } };
        var african = await f.PublishAsync(f.Kenya, africaOnly);
        var notIndia = ExchangeFixture.NewOffer(subject);
        notIndia.Rights.DeniedTerritories = new V1.Territories { CountryCodes = { "IN" } };
        var deniedInIndia = await f.PublishAsync(f.Kenya, notIndia);
        var embargoed = ExchangeFixture.NewOffer(subject);
        embargoed.EmbargoEndTime = Timestamp.FromDateTime(DateTime.UtcNow.AddDays(1));
        var underEmbargo = await f.PublishAsync(f.Kenya, embargoed);
        var killed = await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer(subject));
        await f.Exchange.Offers(f.Kenya).KillOfferAsync(new V1.KillOfferRequest { Id = killed.Id, Reason = "legal" });

        var india = await f.Exchange.Catalogue(f.India).SearchOffersAsync(new V1.SearchOffersRequest { Subject = subject, AvailableInTerritory = "in" });
        var ghana = await f.Exchange.Catalogue(f.Ghana).SearchOffersAsync(new V1.SearchOffersRequest { Subject = subject, AvailableInTerritory = "GH" });
        var all = await f.Exchange.Catalogue(f.Ghana).SearchOffersAsync(new V1.SearchOffersRequest { Subject = subject, ShowUnavailable = true });

        Assert.Equal([open.Id], india.Offers.Select(o => o.Id));
        Assert.Equal([deniedInIndia.Id, african.Id, open.Id], ghana.Offers.Select(o => o.Id));
        Assert.Equal(5, all.Offers.Count);
        Assert.Contains(all.Offers, o => o.Id == underEmbargo.Id);
        Assert.Contains(all.Offers, o => o.Id == killed.Id && o.State == V1.OfferState.Killed);
    }

    [Fact]
    public async Task Pages_are_stable_and_tokens_are_bound_to_their_filters()
    {
        var subject = ExchangeFixture.UniqueSubject();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await f.PublishAsync(f.Egypt, ExchangeFixture.NewOffer(subject))).Id);
        }

        var catalogue = f.Exchange.Catalogue(f.Kenya);
        var seen = new List<string>();
        var token = string.Empty;
        do
        {
            var page = await catalogue.SearchOffersAsync(new V1.SearchOffersRequest { Subject = subject, PageSize = 2, PageToken = token });
            Assert.InRange(page.Offers.Count, 1, 2);
            seen.AddRange(page.Offers.Select(o => o.Id));
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        ids.Reverse();
        Assert.Equal(ids, seen);
        var first = await catalogue.SearchOffersAsync(new V1.SearchOffersRequest { Subject = subject, PageSize = 2 });
        await GrpcAssert.Invalid(() => catalogue.SearchOffersAsync(new V1.SearchOffersRequest { Subject = subject, Text = "other", PageToken = first.NextPageToken }), "page_token");
        await GrpcAssert.Invalid(() => catalogue.SearchOffersAsync(new V1.SearchOffersRequest { AvailableInTerritory = "XX", Language = "??" }),
            "available_in_territory", "language");
        await GrpcAssert.Invalid(() => catalogue.SearchOffersAsync(new V1.SearchOffersRequest { PageSize = 500 }), "page_size");
        await GrpcAssert.Refused(StatusCode.Unauthenticated, () => new V1.CatalogueService.CatalogueServiceClient(f.Exchange.Anonymous()).SearchOffersAsync(new V1.SearchOffersRequest()));
    }
}
