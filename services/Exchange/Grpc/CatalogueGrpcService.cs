using Grpc.Core;
using MediaMesh.Common.Geography;
using MediaMesh.Common.Paging;
using MediaMesh.Common.Validation;
using MediaMesh.Exchange.Application;
using MediaMesh.Exchange.Domain;
using MediaMesh.ServiceDefaults.Identity;
using V1 = MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Exchange.Grpc;

/// <summary>mediamesh.exchange.v1.CatalogueService: search and the live feed.</summary>
public sealed class CatalogueGrpcService(Catalogue catalogue, OfferFeed feed) : V1.CatalogueService.CatalogueServiceBase
{
    /// <summary>
    /// The message of each event the feed reader holds, built once and sent to every subscriber it reaches
    /// (never changed after it is built); it goes when the reader's window lets go of the event.
    /// </summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<OfferEvent, V1.SubscribeFeedResponse> FeedResponses = [];

    public override async Task<V1.SearchOffersResponse> SearchOffers(V1.SearchOffersRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var v = new RequestValidator().MaxLength(request.Text, 200, "text");
        var types = new List<OfferType>();
        v.MaxCount(request.Types_.Count, RepeatedFieldLimits.EnumValues, "types");
        foreach (var type in request.Types_.Take(RepeatedFieldLimits.EnumValues))
        {
            if (ExchangeRequestParser.ParseOfferType(type) is { } parsed)
            {
                types.Add(parsed);
            }
            else
            {
                v.Add("types", "contains an unknown type");
            }
        }

        var language = ExchangeRequestParser.ParseLanguage(request.Language, "language", v);
        v.Check(Enum.IsDefined(request.OwnerRegion), "owner_region", "is not a known region");
        string? territory = null;
        if (!string.IsNullOrEmpty(request.AvailableInTerritory))
        {
            territory = ExchangeRequestParser.ParseCountry(request.AvailableInTerritory, "available_in_territory", v);
        }

        var (from, to) = ExchangeRequestParser.ParseInterval(request.Created, "created", v);
        v.ThrowIfInvalid();
        var words = SearchWords.OfQuery(request.Text);
        var query = new CatalogueQuery(words, types.Distinct().Order().ToArray(), language, NullIfEmpty(request.Subject.Trim()),
            NullIfEmpty(request.Genre.Trim().ToLowerInvariant()), NullIfEmpty(request.OwnerId), ExchangeRequestParser.ParseRegion(request.OwnerRegion),
            NullIfEmpty(request.OwnerUnionId), NullIfEmpty(request.InitiativeId), from, to, territory, request.ShowUnavailable);
        var page = PageRequest.Parse(request.PageSize, request.PageToken, query.Fingerprint);
        var result = await catalogue.SearchAsync(caller, query, page, context.CancellationToken);
        var response = new V1.SearchOffersResponse { NextPageToken = result.NextPageToken };
        response.Offers.AddRange(result.Items.Select(o => o.ToContract()));
        return response;
    }

    public override async Task SubscribeFeed(V1.SubscribeFeedRequest request, IServerStreamWriter<V1.SubscribeFeedResponse> responseStream, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var v = new RequestValidator().Check(request.AfterCursor >= 0, "after_cursor", "must not be negative");
        var filter = request.Filter ?? new V1.FeedFilter();
        var types = new List<OfferType>();
        v.MaxCount(filter.Types_.Count, RepeatedFieldLimits.EnumValues, "filter.types");
        v.MaxCount(filter.Subjects.Count, RepeatedFieldLimits.Subjects, "filter.subjects");
        foreach (var type in filter.Types_.Take(RepeatedFieldLimits.EnumValues))
        {
            if (ExchangeRequestParser.ParseOfferType(type) is { } parsed)
            {
                types.Add(parsed);
            }
            else
            {
                v.Add("filter.types", "contains an unknown type");
            }
        }

        var regions = ExchangeRequestParser.ParseRegions(filter.OwnerRegions, "filter.owner_regions", v);
        var languages = ExchangeRequestParser.ParseLanguages(filter.Languages, "filter.languages", v);
        v.ThrowIfInvalid();
        var feedFilter = new FeedFilter(types, regions, languages, filter.Subjects.ToArray(), filter.LicensedOnly);
        await feed.RunAsync(caller, request.AfterCursor, request.FromBeginning, feedFilter,
            e => responseStream.WriteAsync(FeedResponses.GetValue(e, static e => new V1.SubscribeFeedResponse { Event = e.ToContract() }), context.CancellationToken),
            (latest, time) => responseStream.WriteAsync(
                new V1.SubscribeFeedResponse { Heartbeat = new V1.FeedHeartbeat { LatestCursor = latest, Time = ExchangeMapper.ToTimestamp(time) } },
                context.CancellationToken),
            context.CancellationToken);
    }

    private static string? NullIfEmpty(string value) => string.IsNullOrEmpty(value) ? null : value;
}
