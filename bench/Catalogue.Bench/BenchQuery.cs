using MediaMesh.Common.Geography;
using MediaMesh.Exchange.Application;
using MediaMesh.Exchange.Domain;

namespace MediaMesh.Catalogue.Bench;

/// <summary>
/// One representative SearchOffers request, already in the form CatalogueGrpcService hands to
/// Catalogue.SearchAsync (lower-cased words, sorted distinct types, normalised language, trimmed
/// ids). <see cref="Pages"/> &gt; 1 walks that many pages with the returned page tokens.
/// </summary>
internal sealed record BenchQuery(string Name, CatalogueQuery Query, int Pages = 1, bool SingleFilter = false)
{
    public static CatalogueQuery Filter(
        string text = "", OfferType[]? types = null, string? language = null, string? subject = null, string? genre = null,
        string? ownerId = null, WorldRegion? ownerRegion = null, string? ownerUnionId = null, string? initiativeId = null,
        DateTime? createdFrom = null, DateTime? createdTo = null, string? availableIn = null, bool showUnavailable = false) =>
        new(text.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            (types ?? []).Distinct().Order().ToArray(), language, subject, genre?.Trim().ToLowerInvariant(), ownerId, ownerRegion,
            ownerUnionId, initiativeId, createdFrom, createdTo, availableIn, showUnavailable);

    public static IReadOnlyList<BenchQuery> Representative(Members members, DateTime now)
    {
        var bigOwner = members.Publishers.Items[0];
        var smallOwner = members.Publishers.Items[^1];
        var topInitiative = members.Initiatives.Items[0];
        var rareInitiative = members.Initiatives.Items[^1];
        return
        [
            new("no filter, first page", Filter(), SingleFilter: true),
            new("text: common word \"election\"", Filter("election"), SingleFilter: true),
            new("text: rare word \"okapi\"", Filter("okapi"), SingleFilter: true),
            new("text: no match \"zanzibarx\"", Filter("zanzibarx"), SingleFilter: true),
            new("text: two words \"flood nairobi\"", Filter("flood nairobi")),
            new("type news_video", Filter(types: [OfferType.NewsVideo]), SingleFilter: true),
            new("type children", Filter(types: [OfferType.Children]), SingleFilter: true),
            new("language sw", Filter(language: "sw"), SingleFilter: true),
            new("language ky (rare)", Filter(language: "ky"), SingleFilter: true),
            new("type documentary + language fr", Filter(types: [OfferType.Documentary], language: "fr")),
            new("subject politics (medtop:11000000)", Filter(subject: "medtop:11000000"), SingleFilter: true),
            new("subject rare detail code", Filter(subject: Vocabulary.DetailSubjects.Items[^1]), SingleFilter: true),
            new("genre interview", Filter(genre: "interview"), SingleFilter: true),
            new("owner: largest publisher", Filter(ownerId: bigOwner.Id), SingleFilter: true),
            new("owner: smallest publisher", Filter(ownerId: smallOwner.Id), SingleFilter: true),
            new("owner region Africa", Filter(ownerRegion: WorldRegion.Africa), SingleFilter: true),
            new("owner region North America", Filter(ownerRegion: WorldRegion.NorthAmerica), SingleFilter: true),
            new("owner union AUB", Filter(ownerUnionId: members.Union("AUB").Id), SingleFilter: true),
            new("owner union CBU (small)", Filter(ownerUnionId: members.Union("CBU").Id), SingleFilter: true),
            new("initiative (most used)", Filter(initiativeId: topInitiative), SingleFilter: true),
            new("initiative (least used)", Filter(initiativeId: rareInitiative), SingleFilter: true),
            new("created in the last 7 days", Filter(createdFrom: now.AddDays(-7), createdTo: now), SingleFilter: true),
            new("show_unavailable", Filter(showUnavailable: true), SingleFilter: true),
            new("available_in_territory KE now", Filter(availableIn: "KE"), SingleFilter: true),
            new("available_in_territory BR now", Filter(availableIn: "BR"), SingleFilter: true),
            new("news_video + sw + available in KE", Filter(types: [OfferType.NewsVideo], language: "sw", availableIn: "KE")),
            new("region Asia-Pacific + subject sport + text \"cricket\"", Filter("cricket", ownerRegion: WorldRegion.AsiaPacific, subject: "medtop:15000000")),
            new("union ABU + documentary + available in BD", Filter(types: [OfferType.Documentary], ownerUnionId: members.Union("ABU").Id, availableIn: "BD")),
            new("initiative + language en", Filter(initiativeId: topInitiative, language: "en")),
            new("deep pagination: no filter, 20 pages", Filter(), Pages: 20),
            new("deep pagination: language fr, 20 pages", Filter(language: "fr"), Pages: 20),
        ];
    }
}
