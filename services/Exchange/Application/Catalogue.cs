using System.Globalization;
using MediaMesh.Common.Errors;
using MediaMesh.Common.Geography;
using MediaMesh.Common.Paging;
using MediaMesh.Exchange.Domain;
using MediaMesh.Exchange.Persistence;
using MediaMesh.ServiceDefaults.Identity;
using Microsoft.EntityFrameworkCore;

namespace MediaMesh.Exchange.Application;

/// <summary>Filters of a catalogue search; unset members match everything. Values are already normalised.</summary>
public sealed record CatalogueQuery(
    IReadOnlyList<string> Words,
    IReadOnlyList<OfferType> Types,
    string? Language,
    string? Subject,
    string? Genre,
    string? OwnerId,
    WorldRegion? OwnerRegion,
    string? OwnerUnionId,
    string? InitiativeId,
    DateTime? CreatedFrom,
    DateTime? CreatedTo,
    string? AvailableIn,
    bool ShowUnavailable)
{
    public string Fingerprint => string.Join('|',
        string.Join(' ', Words), string.Join(',', Types), Language, Subject, Genre, OwnerId, OwnerRegion, OwnerUnionId, InitiativeId,
        CreatedFrom?.Ticks, CreatedTo?.Ticks, AvailableIn, ShowUnavailable);
}

/// <summary>
/// Search across members' offers. Every filter is answered by an index: text through the provider's
/// full-text index (whole words, <see cref="SearchWords"/>), list-valued fields through the offer_tags
/// table, scalar ones through columns of offers; pages are keyset pages ordered by last change, newest
/// first. With a tag filter the page is read in order off the tag index (Kind, Value, UpdateTime,
/// OfferId), otherwise off the listed offers' indexes, so the n-th page costs what the first does.
/// </summary>
public sealed class Catalogue(ExchangeDbContext db, TimeProvider clock, OfferWorkflow offers)
{
    public async Task<PageResult<OfferView>> SearchAsync(CallerIdentity caller, CatalogueQuery query, PageRequest page, CancellationToken ct)
    {
        DateTime? afterTime = null;
        var afterId = string.Empty;
        if (page.After is { } after)
        {
            // The token is only signed by the filters' fingerprint, which anyone can compute: its sort key may be anything.
            if (!long.TryParse(after.SortKey, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) || ticks > DateTime.MaxValue.Ticks)
            {
                throw ValidationFailedException.For("page_token", "is not a token from a previous page of this same query");
            }

            afterTime = new DateTime(ticks, DateTimeKind.Utc);
            afterId = after.Id;
        }

        // The rarest kinds first: the first tag filter is the one whose index gives the page order.
        var tags = new (string Kind, string? Value)[]
            {
                (OfferTag.Initiative, query.InitiativeId), (OfferTag.Subject, query.Subject), (OfferTag.Genre, query.Genre),
                (OfferTag.Union, query.OwnerUnionId), (OfferTag.Language, query.Language),
            }
            .Where(t => !string.IsNullOrEmpty(t.Value))
            .ToArray();

        var rows = query.Words.Count > 0
            ? (await db.OffersWithWordsAsync(query.Words, orderedElsewhere: tags.Length > 0, ct)).AsNoTracking()
            : db.Offers.AsNoTracking();
        rows = query.ShowUnavailable
            ? rows.Where(o => o.State != OfferState.Draft)
            : rows.Where(o => o.State == OfferState.Offered || o.State == OfferState.Corrected);

        if (query.Types.Count > 0)
        {
            var types = query.Types.ToArray();
            rows = rows.Where(o => types.Contains(o.Type));
        }

        // Correlated look-ups by primary key (Kind, Value, OfferId), made only for the rows the page walks.
        foreach (var (kind, value) in tags.Skip(1))
        {
            rows = rows.Where(o => db.OfferTags.Any(t => t.Kind == kind && t.Value == value && t.OfferId == o.Id));
        }

        if (!string.IsNullOrEmpty(query.OwnerId))
        {
            rows = rows.Where(o => o.OwnerId == query.OwnerId);
        }

        if (query.OwnerRegion is { } region)
        {
            rows = rows.Where(o => o.OwnerRegion == region);
        }

        if (query.CreatedFrom is not null || query.CreatedTo is not null)
        {
            rows = await WithCreationPeriodAsync(rows, query.CreatedFrom, query.CreatedTo, ct);
        }

        if (!string.IsNullOrEmpty(query.AvailableIn))
        {
            rows = AvailableNow(rows, caller.OrganizationId, query.AvailableIn, clock.GetUtcNow().UtcDateTime);
        }

        List<Offer> fetched;
        if (tags.Length > 0)
        {
            var (kind, value) = tags[0];
            var driver = db.OfferTags.Where(t => t.Kind == kind && t.Value == value);
            if (afterTime is { } time)
            {
                // The first term bounds the index range; the second is the exact keyset condition.
                driver = driver.Where(t => t.UpdateTime <= time && (t.UpdateTime < time || t.OfferId.CompareTo(afterId) < 0));
            }

            fetched = await driver
                .Join(rows, t => t.OfferId, o => o.Id, (t, o) => new { Tag = t, Offer = o })
                .OrderByDescending(x => x.Tag.UpdateTime).ThenByDescending(x => x.Tag.OfferId)
                .Select(x => x.Offer)
                .Take(page.PageSize + 1)
                .ToListAsync(ct);
        }
        else
        {
            if (afterTime is { } time)
            {
                rows = rows.Where(o => o.UpdateTime <= time && (o.UpdateTime < time || o.Id.CompareTo(afterId) < 0));
            }

            fetched = await rows.OrderByDescending(o => o.UpdateTime).ThenByDescending(o => o.Id).Take(page.PageSize + 1).ToListAsync(ct);
        }

        var result = PageResult.From(fetched, page, query.Fingerprint,
            o => new PageCursor(o.UpdateTime.Ticks.ToString(CultureInfo.InvariantCulture), o.Id));
        return new PageResult<OfferView>(await offers.ViewsAsync(result.Items, ct), result.NextPageToken);
    }

    /// <summary>Up to this many offers created in the period are read from the creation-time index and sorted.</summary>
    private const int FewCreated = 1_000;

    private static readonly DateTime BeforeAnyTime = DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc);
    private static readonly DateTime AfterAnyTime = DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc);

    /// <summary>
    /// A narrow creation period is read from its index and the few offers sorted; a wide one (a recent
    /// week holds thousands) is checked while the page order index is walked: the COALESCE keeps the
    /// planner off the creation-time index, with the same meaning (an offer without a time is outside
    /// every period).
    /// </summary>
    private async Task<IQueryable<Offer>> WithCreationPeriodAsync(IQueryable<Offer> rows, DateTime? from, DateTime? to, CancellationToken ct)
    {
        var created = db.Offers.Where(o => o.State == OfferState.Offered || o.State == OfferState.Corrected);
        created = from is { } f ? created.Where(o => o.FirstCreateTime >= f) : created;
        created = to is { } t ? created.Where(o => o.FirstCreateTime < t) : created;
        if (await created.Take(FewCreated).CountAsync(ct) < FewCreated)
        {
            rows = from is { } f1 ? rows.Where(o => o.FirstCreateTime >= f1) : rows;
            return to is { } t1 ? rows.Where(o => o.FirstCreateTime < t1) : rows;
        }

        rows = from is { } f2 ? rows.Where(o => (o.FirstCreateTime ?? BeforeAnyTime) >= f2) : rows;
        return to is { } t2 ? rows.Where(o => (o.FirstCreateTime ?? AfterAnyTime) < t2) : rows;
    }

    /// <summary>
    /// Offers the caller could license for <paramref name="country"/> now: rights, embargo, expiry and
    /// window, and for an exclusive offer no licence of another member covering the country now.
    /// </summary>
    private IQueryable<Offer> AvailableNow(IQueryable<Offer> rows, string callerId, string country, DateTime now)
    {
        var regionValue = OfferTag.RegionValue(Countries.RegionOf(country));
        // The rights' territories are offer_tags rows the domain writes (Offer.DesiredTags): probed per offer by primary key, no JSON read.
        var tags = db.OfferTags;

        // A plain NOT EXISTS correlated on the offer (licences' (OfferId, State) index), so PostgreSQL plans it as an anti join
        // probed per offer rather than hashing every licence covering the country: only an exclusive offer's own licences are read.
        var takenByOthers = db.LicencesCovering(country)
            .Where(l => l.State == LicenceState.Active && l.LicenseeId != callerId && l.PeriodStart <= now && (l.PeriodEnd == null || l.PeriodEnd > now));
        return rows.Where(o =>
            (o.State == OfferState.Offered || o.State == OfferState.Corrected)
            && o.OwnerId != callerId
            && (o.EmbargoEndTime == null || o.EmbargoEndTime <= now)
            && (o.ExpireTime == null || o.ExpireTime > now)
            && (o.WindowEnd == null || o.WindowEnd > now)
            // A count, not EXISTS: under the OR PostgreSQL would turn an EXISTS into a hash of every allowed row for the territory.
            && (!o.HasTerritoryAllowList || tags.Count(t => t.Kind == OfferTag.Allowed && (t.Value == country || t.Value == regionValue) && t.OfferId == o.Id) > 0)
            && !tags.Any(t => t.Kind == OfferTag.Denied && (t.Value == country || t.Value == regionValue) && t.OfferId == o.Id)
            && !takenByOthers.Any(l => l.OfferId == o.Id && o.Exclusive));
    }
}
