using System.Globalization;

namespace MediaMesh.Exchange.Domain;

/// <summary>The parts of an offer its rights are judged on.</summary>
public sealed record OfferTerms(string OwnerId, OfferState State, OfferRights Rights, DateTime? EmbargoEndTime, DateTime? ExpireTime)
{
    public static OfferTerms Of(Offer offer) => new(offer.OwnerId, offer.State, offer.Content.Rights, offer.EmbargoEndTime, offer.ExpireTime);
}

/// <summary>What a member asks to license: uses, countries and a half-open period [start, end).</summary>
public sealed record LicenceAsk(IReadOnlyList<UsageKind> Uses, IReadOnlyList<string> Territories, DateTime PeriodStart, DateTime? PeriodEnd);

/// <summary>A licence already granted on the same offer, as far as exclusivity and downloads care.</summary>
public sealed record LicenceHold(string LicenseeId, IReadOnlyList<string> Territories, DateTime PeriodStart, DateTime? PeriodEnd, bool Active);

public enum RightsOutcome
{
    Refused = 1,
    AutoApproved = 2,
    Pending = 3,
}

/// <summary>The verdict on a request; <see cref="Reason"/> and <see cref="Subject"/> explain a refusal.</summary>
public sealed record RightsDecision(RightsOutcome Outcome, string Reason = "", string Subject = "")
{
    public static readonly RightsDecision AutoApproved = new(RightsOutcome.AutoApproved);
    public static readonly RightsDecision Pending = new(RightsOutcome.Pending);

    public static RightsDecision Refused(string subject, string reason) => new(RightsOutcome.Refused, reason, subject);
}

public enum DownloadRefusal
{
    None = 0,
    NoLicence = 1,
    Killed = 2,
    Embargoed = 3,
    Expired = 4,
    LicenceNotInForce = 5,
}

public sealed record DownloadDecision(DownloadRefusal Refusal, string Reason = "")
{
    public static readonly DownloadDecision Allowed = new(DownloadRefusal.None);

    public bool IsAllowed => Refusal == DownloadRefusal.None;
}

/// <summary>
/// The enforced rights, as pure functions of their inputs: whether a request can be licensed (and
/// how it is decided), and whether a download may happen now. What is not permitted is prohibited.
/// </summary>
/// <summary>Who is reading the feed: the organisation and its home country (as last re-checked), or a coordinator who sees everything.</summary>
public sealed record FeedAudience(string OrganizationId, string? CountryCode, bool SeesEverything)
{
    public static FeedAudience Everything(string organizationId) => new(organizationId, null, SeesEverything: true);

    public static FeedAudience Of(string organizationId, string countryCode) => new(organizationId, countryCode, SeesEverything: false);
}

public static class RightsPolicy
{
    /// <summary>How far back a requested licence period may start (a broadcast made just before asking); history is not rewritten.</summary>
    public static readonly TimeSpan MaxBackdating = TimeSpan.FromHours(24);

    /// <summary>Decides a request: refused with the reason, approved by the offer's policy, or left to the owner.</summary>
    /// <param name="otherLicences">Licences of the offer held by others (only active ones matter).</param>
    public static RightsDecision Decide(OfferTerms offer, LicenceAsk ask, MemberProfile requester, IEnumerable<LicenceHold> otherLicences, DateTime now)
    {
        // Judged when the request is made, not again at approval: an approval days later keeps the start asked for.
        if (ask.PeriodStart < now - MaxBackdating)
        {
            return RightsDecision.Refused("PERIOD",
                $"A licence may start at most {MaxBackdating.TotalHours:0} hours before it is requested; the requested period starts at {Format(ask.PeriodStart)}.");
        }

        var licensable = CheckLicensable(offer, ask, requester, otherLicences, now);
        if (licensable is not null)
        {
            return licensable;
        }

        var policy = offer.Rights;
        if (policy.Approval != ApprovalMode.Auto)
        {
            return RightsDecision.Pending;
        }

        var regionOk = policy.AutoApproveRegions.Count == 0 || policy.AutoApproveRegions.Contains(requester.Region);
        var unionOk = policy.AutoApproveUnionIds.Count == 0 || policy.AutoApproveUnionIds.Intersect(requester.UnionIds, StringComparer.Ordinal).Any();
        return regionOk && unionOk ? RightsDecision.AutoApproved : RightsDecision.Pending;
    }

    /// <summary>Null if the rights allow the request (approval aside), else the refusal.</summary>
    public static RightsDecision? CheckLicensable(OfferTerms offer, LicenceAsk ask, MemberProfile requester, IEnumerable<LicenceHold> otherLicences, DateTime now)
    {
        if (offer.State is not (OfferState.Offered or OfferState.Corrected))
        {
            return RightsDecision.Refused("STATE", $"The item is not on offer (it is {Offer.Describe(offer.State)}).");
        }

        if (requester.Id == offer.OwnerId)
        {
            return RightsDecision.Refused("OWNER", "An organisation cannot license its own item.");
        }

        if (offer.ExpireTime is { } expires && expires <= now)
        {
            return RightsDecision.Refused("EXPIRED", $"The item expired at {Format(expires)}.");
        }

        var rights = offer.Rights;
        var unpermitted = ask.Uses.Where(u => !rights.PermittedUses.Contains(u)).ToArray();
        if (unpermitted.Length > 0)
        {
            return RightsDecision.Refused("USES",
                $"Not offered for {string.Join(", ", unpermitted.Select(u => u.ToString().ToLowerInvariant()))} use; offered for {string.Join(", ", rights.PermittedUses.Select(u => u.ToString().ToLowerInvariant()))}.");
        }

        var outside = ask.Territories.Where(t => !rights.PermitsTerritory(t)).ToArray();
        if (outside.Length > 0)
        {
            return RightsDecision.Refused("TERRITORIES", $"Not offered in {string.Join(", ", outside)}.");
        }

        if (rights.WindowStart is { } windowStart && ask.PeriodStart < windowStart)
        {
            return RightsDecision.Refused("WINDOW", $"The licence window opens at {Format(windowStart)}; the requested period starts before it.");
        }

        if (rights.WindowEnd is { } windowEnd && (ask.PeriodEnd is not { } end || end > windowEnd))
        {
            return RightsDecision.Refused("WINDOW", $"The licence window closes at {Format(windowEnd)}; the requested period must end by then.");
        }

        if (offer.ExpireTime is { } expiry && (ask.PeriodEnd is not { } periodEnd || periodEnd > expiry))
        {
            return RightsDecision.Refused("EXPIRY", $"The item expires at {Format(expiry)}; the requested period must end by then.");
        }

        if (rights.Exclusive)
        {
            var conflict = otherLicences
                .Where(l => l.Active && l.LicenseeId != requester.Id && Overlaps(l.PeriodStart, l.PeriodEnd, ask.PeriodStart, ask.PeriodEnd))
                .SelectMany(l => l.Territories)
                .Intersect(ask.Territories, StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .ToArray();
            if (conflict.Length > 0)
            {
                return RightsDecision.Refused("EXCLUSIVITY",
                    $"The item is licensed exclusively and already licensed to another member in {string.Join(", ", conflict)} for an overlapping period.");
            }
        }

        return null;
    }

    /// <summary>
    /// Whether a feed event reaches a subscriber: the owner, coordinators and members involved with the
    /// item (holding a licence of it or having requested it) get every event (a kill must reach everyone
    /// who may have taken it, even after a correction denied its country); anyone else only events of items
    /// whose rights permit the subscriber's home country, so nobody is told about what it may not take.
    /// </summary>
    public static bool FeedReaches(OfferSnapshot offer, FeedAudience subscriber, bool involved) =>
        subscriber.SeesEverything
        || subscriber.OrganizationId == offer.OwnerId
        || involved
        || (subscriber.CountryCode is { } country && offer.Content.Rights.PermitsTerritory(country));

    /// <summary>Whether a download may happen now. Owners and coordinators need no licence; a kill stops everyone.</summary>
    public static DownloadDecision CheckDownload(OfferTerms offer, bool isOwnerOrCoordinator, IEnumerable<LicenceHold> callerLicences, DateTime now)
    {
        if (offer.State == OfferState.Killed)
        {
            return new DownloadDecision(DownloadRefusal.Killed, "The item was killed; it may no longer be downloaded or used.");
        }

        if (isOwnerOrCoordinator)
        {
            return DownloadDecision.Allowed;
        }

        var active = callerLicences.Where(l => l.Active).ToArray();
        if (active.Length == 0 || offer.State == OfferState.Draft)
        {
            return new DownloadDecision(DownloadRefusal.NoLicence, "Downloading needs a licence for this item.");
        }

        if (offer.EmbargoEndTime is { } embargo && embargo > now)
        {
            return new DownloadDecision(DownloadRefusal.Embargoed, $"The item is under embargo until {Format(embargo)}.");
        }

        if (offer.ExpireTime is { } expires && expires <= now)
        {
            return new DownloadDecision(DownloadRefusal.Expired, $"The item expired at {Format(expires)}.");
        }

        if (!active.Any(l => l.PeriodStart <= now && (l.PeriodEnd is null || l.PeriodEnd > now)))
        {
            return new DownloadDecision(DownloadRefusal.LicenceNotInForce, "No licence of yours for this item is in force now.");
        }

        return DownloadDecision.Allowed;
    }

    /// <summary>True if two half-open periods [start, end) share an instant; a null end is open.</summary>
    public static bool Overlaps(DateTime aStart, DateTime? aEnd, DateTime bStart, DateTime? bEnd) =>
        (aEnd is null || bStart < aEnd) && (bEnd is null || aStart < bEnd);

    internal static string Format(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
