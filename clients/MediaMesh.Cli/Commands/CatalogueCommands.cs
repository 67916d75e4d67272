using System.CommandLine;
using MediaMesh.Client;
using MediaMesh.Contracts.Common.V1;
using MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Cli.Commands;

/// <summary>catalog search with every filter of SearchOffers.</summary>
public static class CatalogueCommands
{
    public static Command Catalog(CliContext context)
    {
        var text = Cmd.Opt<string>("--text", "Words in headlines, slugline or descriptions");
        var types = Cmd.Many("--type", "Types: news-video, documentary, drama, promo, feature, audio, children");
        var language = Cmd.Opt<string>("--language", "Audio or subtitle language");
        var subject = Cmd.Opt<string>("--subject", "IPTC Media Topic code");
        var genre = Cmd.Opt<string>("--genre", "Genre");
        var owner = Cmd.Opt<string>("--owner", "Owner organisation id");
        var region = Cmd.Opt<string>("--region", "Owner's region");
        var union = Cmd.Opt<string>("--union", "Owner's union id");
        var initiative = Cmd.Opt<string>("--initiative", "Initiative id");
        var createdAfter = Cmd.Opt<string>("--created-after", "First created at or after");
        var createdBefore = Cmd.Opt<string>("--created-before", "First created before");
        var availableIn = Cmd.Opt<string>("--available-in", "Only items you could license for this country now");
        var unavailable = Cmd.Opt<bool>("--show-unavailable", "Include withdrawn and killed items");
        var limit = Cmd.Limit();
        var search = Cmd.New("search", "Search the catalogue across members", text, types, language, subject, genre, owner, region, union, initiative,
            createdAfter, createdBefore, availableIn, unavailable, limit).Does(context, async run =>
        {
            var request = new SearchOffersRequest
            {
                Text = run.Get(text) ?? string.Empty,
                Types_ = { Parse.List(run.Get(types)).Select(t => Parse.Enum<OfferType>(t, "--type")) },
                Language = run.Get(language) ?? string.Empty,
                Subject = run.Get(subject) ?? string.Empty,
                Genre = run.Get(genre) ?? string.Empty,
                OwnerId = run.Get(owner) ?? string.Empty,
                OwnerRegion = Parse.OptionalEnum<Region>(run.Get(region), "--region") ?? Region.Unspecified,
                OwnerUnionId = run.Get(union) ?? string.Empty,
                InitiativeId = run.Get(initiative) ?? string.Empty,
                AvailableInTerritory = run.Get(availableIn) ?? string.Empty,
                ShowUnavailable = run.Get(unavailable),
                PageSize = Math.Clamp(run.Get(limit), 1, 200),
            };
            if (Parse.Interval(run.Get(createdAfter), run.Get(createdBefore), "--created-after", "--created-before") is { } created)
            {
                request.Created = created;
            }

            var items = await run.Client.Catalogue.SearchAllAsync(request, run.CancellationToken).Take(run.Get(limit)).ToListAsync(run.CancellationToken);
            return OfferCommands.Table(run, items);
        });
        return Cmd.New("catalog", "The catalogue of offered items", search);
    }
}
