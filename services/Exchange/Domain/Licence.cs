using MediaMesh.Common.Geography;

namespace MediaMesh.Exchange.Domain;

public enum LicenceState
{
    Active = 1,
    Killed = 2,
}

/// <summary>Permission for a licensee to use an item for given uses, countries and period.</summary>
public sealed class Licence
{
    private Licence()
    {
    }

    public string Id { get; private set; } = string.Empty;
    public string OfferId { get; private set; } = string.Empty;
    public string RequestId { get; private set; } = string.Empty;
    public string LicenseeId { get; private set; } = string.Empty;
    public string LicensorId { get; private set; } = string.Empty;
    public List<UsageKind> Uses { get; private set; } = [];
    public List<string> Territories { get; private set; } = [];
    public DateTime PeriodStart { get; private set; }
    public DateTime? PeriodEnd { get; private set; }
    public LicenceState State { get; private set; }
    public DateTime GrantTime { get; private set; }

    // Both parties as they were at grant time, so statistics need no other service.
    public WorldRegion LicenseeRegion { get; private set; }
    public List<string> LicenseeUnionIds { get; private set; } = [];
    public WorldRegion LicensorRegion { get; private set; }
    public List<string> LicensorUnionIds { get; private set; } = [];

    public long Version { get; private set; }

    public LicenceHold Hold => new(LicenseeId, Territories, PeriodStart, PeriodEnd, State == LicenceState.Active);

    internal static Licence Grant(string id, ContentRequest request, Offer offer, DateTime now) => new()
    {
        Id = id,
        OfferId = request.OfferId,
        RequestId = request.Id,
        LicenseeId = request.RequesterId,
        LicensorId = offer.OwnerId,
        Uses = [.. request.Uses],
        Territories = [.. request.Territories],
        PeriodStart = request.PeriodStart,
        PeriodEnd = request.PeriodEnd,
        State = LicenceState.Active,
        GrantTime = now,
        LicenseeRegion = request.RequesterRegion,
        LicenseeUnionIds = [.. request.RequesterUnionIds],
        LicensorRegion = offer.OwnerRegion,
        LicensorUnionIds = [.. offer.OwnerUnionIds],
        Version = 1,
    };

    /// <summary>The offer was killed: no further use or download.</summary>
    public void Kill()
    {
        if (State == LicenceState.Killed)
        {
            return;
        }

        State = LicenceState.Killed;
        Version++;
    }

    public bool CoversTime(DateTime time) => PeriodStart <= time && (PeriodEnd is null || time < PeriodEnd);
}
