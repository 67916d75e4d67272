using MediaMesh.Common.Errors;
using MediaMesh.Common.Geography;

namespace MediaMesh.Exchange.Domain;

public enum ContentRequestState
{
    Pending = 1,
    Approved = 2,
    Declined = 3,
    Cancelled = 4,
}

/// <summary>
/// A member's request to license an item. Pending until the owner approves or declines or the
/// requester cancels; an approval (by the owner or the offer's policy) creates the licence.
/// </summary>
public sealed class ContentRequest
{
    private ContentRequest()
    {
    }

    public string Id { get; private set; } = string.Empty;
    public string OfferId { get; private set; } = string.Empty;
    public long OfferVersion { get; private set; }
    public string RequesterId { get; private set; } = string.Empty;
    public string OwnerId { get; private set; } = string.Empty;
    public List<UsageKind> Uses { get; private set; } = [];
    public List<string> Territories { get; private set; } = [];
    public DateTime PeriodStart { get; private set; }
    public DateTime? PeriodEnd { get; private set; }
    public string Message { get; private set; } = string.Empty;
    public ContentRequestState State { get; private set; }
    public string DecisionReason { get; private set; } = string.Empty;
    public bool AutoApproved { get; private set; }
    public string LicenceId { get; private set; } = string.Empty;
    public DateTime CreateTime { get; private set; }
    public DateTime? DecisionTime { get; private set; }

    // The requester as the organization service described it when asking (for licences and statistics).
    public WorldRegion RequesterRegion { get; private set; }
    public List<string> RequesterUnionIds { get; private set; } = [];

    public long Version { get; private set; }

    public LicenceAsk Ask => new(Uses, Territories, PeriodStart, PeriodEnd);

    public MemberProfile Requester => new(RequesterId, string.Empty, RequesterRegion, RequesterUnionIds);

    public static ContentRequest Make(string id, Offer offer, MemberProfile requester, LicenceAsk ask, string message, DateTime now) => new()
    {
        Id = id,
        OfferId = offer.Id,
        OfferVersion = offer.ContentVersion,
        RequesterId = requester.Id,
        OwnerId = offer.OwnerId,
        Uses = [.. ask.Uses],
        Territories = [.. ask.Territories],
        PeriodStart = ask.PeriodStart,
        PeriodEnd = ask.PeriodEnd,
        Message = message,
        State = ContentRequestState.Pending,
        CreateTime = now,
        RequesterRegion = requester.Region,
        RequesterUnionIds = [.. requester.UnionIds],
        Version = 1,
    };

    /// <summary>Approves the request and creates its licence.</summary>
    public Licence Approve(string licenceId, Offer offer, bool automatically, DateTime now)
    {
        RequirePending("approved");
        State = ContentRequestState.Approved;
        AutoApproved = automatically;
        LicenceId = licenceId;
        DecisionTime = now;
        Version++;
        return Licence.Grant(licenceId, this, offer, now);
    }

    /// <summary>
    /// A pending request of an offer that was withdrawn or killed can never be approved: it is declined
    /// with the offer's reason, so the requester is not left waiting.
    /// </summary>
    public void CloseWithOffer(string reason, DateTime now)
    {
        RequirePending("closed");
        State = ContentRequestState.Declined;
        DecisionReason = reason;
        DecisionTime = now;
        Version++;
    }

    public void Decline(string reason, DateTime now)
    {
        RequirePending("declined");
        State = ContentRequestState.Declined;
        DecisionReason = reason;
        DecisionTime = now;
        Version++;
    }

    public void Cancel(DateTime now)
    {
        RequirePending("cancelled");
        State = ContentRequestState.Cancelled;
        DecisionTime = now;
        Version++;
    }

    private void RequirePending(string verb)
    {
        if (State != ContentRequestState.Pending)
        {
            throw new PreconditionFailedException(
                $"Only a pending request can be {verb}; request '{Id}' is {State.ToString().ToLowerInvariant()}.", "STATE", Id);
        }
    }
}
