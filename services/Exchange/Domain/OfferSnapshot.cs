using MediaMesh.Common.Geography;

namespace MediaMesh.Exchange.Domain;

/// <summary>An offer as it was at one moment: stored per published version and with every feed event.</summary>
public sealed record OfferSnapshot
{
    public string Id { get; init; } = string.Empty;
    public string OwnerId { get; init; } = string.Empty;
    public WorldRegion OwnerRegion { get; init; }
    public OfferState State { get; init; }
    public long ContentVersion { get; init; }
    public OfferContent Content { get; init; } = new();
    public string CorrectionNote { get; init; } = string.Empty;
    public string WithdrawReason { get; init; } = string.Empty;
    public DateTime CreateTime { get; init; }
    public DateTime UpdateTime { get; init; }
    public DateTime? VersionCreateTime { get; init; }

    /// <summary>Concurrency version of the row when the snapshot was taken (for the etag).</summary>
    public long RowVersion { get; init; }
}

/// <summary>One published version of an offer, kept when it is corrected.</summary>
public sealed class OfferVersion
{
    private OfferVersion()
    {
    }

    public OfferVersion(OfferSnapshot snapshot)
    {
        OfferId = snapshot.Id;
        ContentVersion = snapshot.ContentVersion;
        Snapshot = snapshot;
        CreateTime = snapshot.VersionCreateTime ?? snapshot.UpdateTime;
    }

    public string OfferId { get; private set; } = string.Empty;
    public long ContentVersion { get; private set; }
    public OfferSnapshot Snapshot { get; private set; } = new();
    public DateTime CreateTime { get; private set; }
}
