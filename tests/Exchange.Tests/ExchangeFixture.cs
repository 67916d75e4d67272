using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Time.Testing;
using OrgV1 = MediaMesh.Contracts.Organization.V1;
using V1 = MediaMesh.Contracts.Exchange.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;

namespace MediaMesh.Exchange.Tests;

/// <summary>
/// The organization, initiative and exchange services in-process with a cast of members: Kenya and Ghana
/// (Africa, both in the African union), Egypt (Arab States), Brazil (Latin America), India (Asia-Pacific).
/// </summary>
public sealed class ExchangeFixture : IAsyncLifetime
{
    public OrganizationDependency Organization { get; } = new();

    public InitiativeDependency Initiative { get; private set; } = null!;

    public ExchangeHost Exchange { get; private set; } = null!;

    /// <summary>The clock of <see cref="ClockedExchange"/>; it only moves when a test advances it.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>A second exchange (own database, same organization and initiative services) running on <see cref="Clock"/>.</summary>
    public ExchangeHost ClockedExchange { get; private set; } = null!;

    public string Kenya { get; private set; } = string.Empty;
    public string Ghana { get; private set; } = string.Empty;
    public string Egypt { get; private set; } = string.Empty;
    public string Brazil { get; private set; } = string.Empty;
    public string India { get; private set; } = string.Empty;
    public string AfricanUnion { get; private set; } = string.Empty;

    public async ValueTask InitializeAsync()
    {
        Initiative = new InitiativeDependency(Organization);
        Exchange = new ExchangeHost(Organization, Initiative);
        ClockedExchange = new ExchangeHost(Organization, Initiative, Clock);
        AfricanUnion = await Organization.CreateActiveAsync("African Broadcasting Union", "SN", OrgV1.OrganizationKind.BroadcastingUnion);
        Kenya = await Organization.CreateActiveAsync("Kenya Broadcasting Corporation", "KE");
        Ghana = await Organization.CreateActiveAsync("Ghana Broadcasting Corporation", "GH");
        Egypt = await Organization.CreateActiveAsync("National Media Authority", "EG");
        Brazil = await Organization.CreateActiveAsync("Empresa Brasil de Comunicação", "BR");
        India = await Organization.CreateActiveAsync("Prasar Bharati", "IN");
        await Organization.JoinAsync(Kenya, AfricanUnion);
        await Organization.JoinAsync(Ghana, AfricanUnion);
    }

    public async ValueTask DisposeAsync()
    {
        await Exchange.DisposeAsync();
        await ClockedExchange.DisposeAsync();
        await Initiative.DisposeAsync();
        await Organization.DisposeAsync();
    }

    /// <summary>A new active member (for tests that count per organisation).</summary>
    public Task<string> NewMemberAsync(string country) => Organization.CreateActiveAsync($"Member {Guid.NewGuid():N}", country);

    public static string UniqueSubject() => "medtop:" + Random.Shared.Next(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A complete news item, offered worldwide for broadcast and online, decided manually.</summary>
    public static V1.Offer NewOffer(string? subject = null, V1.Rights? rights = null, string headline = "Floods in the Rift Valley") => new()
    {
        Type = V1.OfferType.NewsVideo,
        Headlines = { new CommonV1.LocalizedText { Language = "en", Text = headline, Original = true } },
        Descriptions = { new V1.Description { Language = "en", Role = V1.DescriptionRole.Summary, Text = "Families leave their homes as the river rises." } },
        Slugline = "0421-FLOODS-KENYA/evacuation",
        AudioLanguages = { "sw" },
        SubtitleLanguages = { "en" },
        Subjects = { subject ?? UniqueSubject() },
        Genres = { "current affairs" },
        Located = new CommonV1.Place { CountryCode = "KE", City = "Nakuru" },
        CopyrightHolder = "KBC",
        CreditLine = "KBC / MediaMesh",
        Duration = Duration.FromTimeSpan(TimeSpan.FromSeconds(95)),
        Rights = rights ?? Rights(),
    };

    public static V1.Rights Rights(V1.ApprovalMode mode = V1.ApprovalMode.Manual, bool exclusive = false, params V1.UsageKind[] uses)
    {
        var rights = new V1.Rights { Exclusive = exclusive, Approval = new V1.ApprovalPolicy { Mode = mode } };
        rights.PermittedUses.AddRange(uses.Length == 0 ? [V1.UsageKind.Broadcast, V1.UsageKind.Online] : uses);
        return rights;
    }

    /// <summary>Creates and publishes an offer of <paramref name="ownerId"/>.</summary>
    public Task<V1.Offer> PublishAsync(string ownerId, V1.Offer offer) => PublishAsync(Exchange, ownerId, offer);

    /// <summary>Creates and publishes an offer of <paramref name="ownerId"/> on <paramref name="host"/>.</summary>
    public static async Task<V1.Offer> PublishAsync(ExchangeHost host, string ownerId, V1.Offer offer)
    {
        var client = host.Offers(ownerId);
        var created = await client.CreateOfferAsync(new V1.CreateOfferRequest { Offer = offer });
        var published = await client.PublishOfferAsync(new V1.PublishOfferRequest { Id = created.Offer.Id });
        return published.Offer;
    }

    public static V1.RequestLicenceRequest Ask(string offerId, string[] territories, V1.UsageKind[]? uses = null, DateTime? start = null, DateTime? end = null)
    {
        var request = new V1.RequestLicenceRequest
        {
            OfferId = offerId,
            Period = new CommonV1.TimeInterval { StartTime = Timestamp.FromDateTime(start ?? DateTime.UtcNow.AddHours(-1)) },
        };
        if (end is { } e)
        {
            request.Period.EndTime = Timestamp.FromDateTime(e);
        }

        request.Territories.AddRange(territories);
        request.Uses.AddRange(uses ?? [V1.UsageKind.Broadcast]);
        return request;
    }

    /// <summary>A licence of <paramref name="licenseeId"/> on a new auto-approved offer of <paramref name="ownerId"/>.</summary>
    public async Task<(V1.Offer Offer, V1.Licence Licence)> LicensedAsync(string ownerId, string licenseeId, string country, V1.Offer? offer = null)
    {
        offer ??= NewOffer(rights: Rights(V1.ApprovalMode.Auto));
        var published = await PublishAsync(ownerId, offer);
        var response = await Exchange.Licensing(licenseeId).RequestLicenceAsync(Ask(published.Id, [country], [V1.UsageKind.Broadcast]));
        Assert.NotNull(response.Licence);
        return (published, response.Licence);
    }
}

[CollectionDefinition("exchange")]
public sealed class ExchangeCollection : ICollectionFixture<ExchangeFixture>;
