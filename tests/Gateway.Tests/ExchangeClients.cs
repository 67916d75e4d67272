using Google.Protobuf.WellKnownTypes;
using CommonV1 = MediaMesh.Contracts.Common.V1;
using V1 = MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Gateway.Tests;

/// <summary>A member's exchange clients, all through the gateway's h2c port with the member's API key.</summary>
public sealed class ExchangeClients(GatewayHost gateway, Member member)
{
    public V1.OfferService.OfferServiceClient Offers { get; } = new(gateway.Grpc(member.ApiKey));

    public V1.MediaService.MediaServiceClient Media { get; } = new(gateway.Grpc(member.ApiKey));

    public V1.LicensingService.LicensingServiceClient Licensing { get; } = new(gateway.Grpc(member.ApiKey));

    public V1.CatalogueService.CatalogueServiceClient Catalogue { get; } = new(gateway.Grpc(member.ApiKey));

    public static string UniqueSubject() => "medtop:" + Random.Shared.Next(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A complete news item offered worldwide for broadcast; licence requests are decided by the owner.</summary>
    public static V1.Offer NewOffer(string subject, string headline = "Floods in the Rift Valley") => new()
    {
        Type = V1.OfferType.NewsVideo,
        Headlines = { new CommonV1.LocalizedText { Language = "en", Text = headline, Original = true } },
        Descriptions = { new V1.Description { Language = "en", Role = V1.DescriptionRole.Summary, Text = "Families leave their homes as the river rises." } },
        Slugline = "0421-FLOODS-KENYA/evacuation",
        AudioLanguages = { "sw" },
        Subjects = { subject },
        Located = new CommonV1.Place { CountryCode = "KE", City = "Nakuru" },
        CopyrightHolder = "KBC",
        Duration = Duration.FromTimeSpan(TimeSpan.FromSeconds(95)),
        Rights = new V1.Rights
        {
            PermittedUses = { V1.UsageKind.Broadcast, V1.UsageKind.Online },
            Approval = new V1.ApprovalPolicy { Mode = V1.ApprovalMode.Manual },
        },
    };

    public async Task<V1.Offer> CreateDraftAsync(string subject, string headline = "Floods in the Rift Valley") =>
        (await Offers.CreateOfferAsync(new V1.CreateOfferRequest { Offer = NewOffer(subject, headline) })).Offer;

    public async Task<V1.Offer> PublishAsync(string subject, string headline = "Floods in the Rift Valley")
    {
        var draft = await CreateDraftAsync(subject, headline);
        return (await Offers.PublishOfferAsync(new V1.PublishOfferRequest { Id = draft.Id })).Offer;
    }

    /// <summary>Asks for a broadcast licence in <paramref name="country"/> from now on.</summary>
    public async Task<V1.ContentRequest> RequestLicenceAsync(string offerId, string country) =>
        (await Licensing.RequestLicenceAsync(new V1.RequestLicenceRequest
        {
            OfferId = offerId,
            Period = new CommonV1.TimeInterval { StartTime = Timestamp.FromDateTime(DateTime.UtcNow.AddHours(-1)) },
            Territories = { country },
            Uses = { V1.UsageKind.Broadcast },
        })).Request;
}
