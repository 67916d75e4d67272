using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MediaMesh.Common.Validation;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Exchange.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;

namespace MediaMesh.Exchange.Tests;

/// <summary>Every repeated field of an exchange request has a bound; one entry over it is INVALID_ARGUMENT naming the field.</summary>
[Collection("exchange")]
public sealed class RepeatedFieldLimitTests(ExchangeFixture f)
{
    /// <summary>A distinct well-formed language tag per <paramref name="i"/> ("en-x-0", "en-x-1", …), so only the count is wrong.</summary>
    private static string Language(int i) => $"en-x-{i}";

    private static IEnumerable<T> Many<T>(int count, Func<int, T> entry) => Enumerable.Range(0, count).Select(entry);

    /// <summary>An offer with one repeated field one entry over its bound, and the field's path.</summary>
    public static TheoryData<string> OfferFields => new()
    {
        "offer.headlines", "offer.descriptions", "offer.audio_languages", "offer.subtitle_languages", "offer.subjects", "offer.genres",
        "offer.initiative_ids", "offer.rights.allowed_territories.country_codes", "offer.rights.allowed_territories.regions",
        "offer.rights.denied_territories.country_codes", "offer.rights.permitted_uses", "offer.rights.approval.auto_approve_regions",
        "offer.rights.approval.auto_approve_union_ids",
    };

    private static V1.Offer OverBound(string field)
    {
        var offer = ExchangeFixture.NewOffer();
        var rights = offer.Rights;
        rights.AllowedTerritories ??= new V1.Territories();
        rights.DeniedTerritories ??= new V1.Territories();
        rights.Approval ??= new V1.ApprovalPolicy();
        switch (field)
        {
            case "offer.headlines":
                offer.Headlines.AddRange(Many(RepeatedFieldLimits.Texts, i => new CommonV1.LocalizedText { Language = Language(i), Text = $"h{i}" }));
                break;
            case "offer.descriptions":
                offer.Descriptions.AddRange(Many(RepeatedFieldLimits.Descriptions, i => new V1.Description { Language = "en", Role = V1.DescriptionRole.Summary, Text = $"d{i}" }));
                break;
            case "offer.audio_languages":
                offer.AudioLanguages.AddRange(Many(RepeatedFieldLimits.Languages, _ => "en"));
                break;
            case "offer.subtitle_languages":
                offer.SubtitleLanguages.AddRange(Many(RepeatedFieldLimits.Languages, _ => "fr"));
                break;
            case "offer.subjects":
                offer.Subjects.AddRange(Many(RepeatedFieldLimits.Subjects, i => $"medtop:{20000000 + i}"));
                break;
            case "offer.genres":
                offer.Genres.AddRange(Many(RepeatedFieldLimits.Genres, i => $"genre {i}"));
                break;
            case "offer.initiative_ids":
                offer.InitiativeIds.AddRange(Many(RepeatedFieldLimits.Ids + 1, i => $"ini_{i}"));
                break;
            case "offer.rights.allowed_territories.country_codes":
                rights.AllowedTerritories.CountryCodes.AddRange(Many(RepeatedFieldLimits.Countries + 1, _ => "KE"));
                break;
            case "offer.rights.allowed_territories.regions":
                rights.AllowedTerritories.Regions.AddRange(Many(RepeatedFieldLimits.EnumValues + 1, _ => CommonV1.Region.Africa));
                break;
            case "offer.rights.denied_territories.country_codes":
                rights.DeniedTerritories.CountryCodes.AddRange(Many(RepeatedFieldLimits.Countries + 1, _ => "FR"));
                break;
            case "offer.rights.permitted_uses":
                rights.PermittedUses.AddRange(Many(RepeatedFieldLimits.EnumValues, _ => V1.UsageKind.Online));
                break;
            case "offer.rights.approval.auto_approve_regions":
                rights.Approval.AutoApproveRegions.AddRange(Many(RepeatedFieldLimits.EnumValues + 1, _ => CommonV1.Region.Africa));
                break;
            case "offer.rights.approval.auto_approve_union_ids":
                rights.Approval.AutoApproveUnionIds.AddRange(Many(RepeatedFieldLimits.Ids + 1, i => $"org_union_{i}"));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(field), field, null);
        }

        return offer;
    }

    [Theory]
    [MemberData(nameof(OfferFields))]
    public async Task An_offer_field_over_its_bound_is_invalid(string field)
    {
        var offer = OverBound(field);
        await GrpcAssert.Invalid(() => f.Exchange.Offers(f.Kenya).CreateOfferAsync(new V1.CreateOfferRequest { Offer = offer }), field);
    }

    [Fact]
    public async Task More_union_ids_than_the_organization_services_batch_is_invalid_not_unavailable()
    {
        var offer = ExchangeFixture.NewOffer(rights: ExchangeFixture.Rights(V1.ApprovalMode.Auto));
        offer.Rights.Approval.AutoApproveUnionIds.AddRange(Many(RepeatedFieldLimits.BatchIds + 100, i => $"org_union_{i}"));

        await GrpcAssert.Invalid(() => f.Exchange.Offers(f.Kenya).CreateOfferAsync(new V1.CreateOfferRequest { Offer = offer }),
            "offer.rights.approval.auto_approve_union_ids");
    }

    [Fact]
    public async Task Request_lists_over_their_bounds_are_invalid()
    {
        var offer = await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer());
        var ask = ExchangeFixture.Ask(offer.Id, [.. Many(RepeatedFieldLimits.Countries + 1, _ => "BR")], [.. Many(RepeatedFieldLimits.EnumValues + 1, _ => V1.UsageKind.Broadcast)]);
        await GrpcAssert.Invalid(() => f.Exchange.Licensing(f.Brazil).RequestLicenceAsync(ask), "territories", "uses");

        var search = new V1.SearchOffersRequest();
        search.Types_.AddRange(Many(RepeatedFieldLimits.EnumValues + 1, _ => V1.OfferType.NewsVideo));
        await GrpcAssert.Invalid(() => f.Exchange.Catalogue(f.Brazil).SearchOffersAsync(search), "types");

        var mask = new FieldMask();
        mask.Paths.AddRange(Many(RepeatedFieldLimits.MaskPaths + 1, _ => "slugline"));
        var draft = (await f.Exchange.Offers(f.Kenya).CreateOfferAsync(new V1.CreateOfferRequest { Offer = ExchangeFixture.NewOffer() })).Offer;
        await GrpcAssert.Invalid(() => f.Exchange.Offers(f.Kenya).UpdateOfferAsync(new V1.UpdateOfferRequest { Offer = draft, UpdateMask = mask }), "update_mask.paths");
    }

    [Theory]
    [InlineData("filter.types")]
    [InlineData("filter.owner_regions")]
    [InlineData("filter.languages")]
    [InlineData("filter.subjects")]
    public async Task A_feed_filter_over_its_bound_is_invalid(string field)
    {
        var filter = new V1.FeedFilter();
        switch (field)
        {
            case "filter.types": filter.Types_.AddRange(Many(RepeatedFieldLimits.EnumValues + 1, _ => V1.OfferType.Drama)); break;
            case "filter.owner_regions": filter.OwnerRegions.AddRange(Many(RepeatedFieldLimits.EnumValues + 1, _ => CommonV1.Region.Europe)); break;
            case "filter.languages": filter.Languages.AddRange(Many(RepeatedFieldLimits.Languages + 1, _ => "en")); break;
            default: filter.Subjects.AddRange(Many(RepeatedFieldLimits.Subjects + 1, i => $"medtop:{20000000 + i}")); break;
        }

        using var call = f.Exchange.Catalogue(f.Brazil).SubscribeFeed(new V1.SubscribeFeedRequest { Filter = filter });
        var refused = await GrpcAssert.Refused(StatusCode.InvalidArgument, async () => await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Contains(field, refused.Status.Detail, StringComparison.Ordinal);
    }
}
