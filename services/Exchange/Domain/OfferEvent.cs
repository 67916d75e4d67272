namespace MediaMesh.Exchange.Domain;

public enum FeedEventType
{
    New = 1,
    Corrected = 2,
    Withdrawn = 3,
    Killed = 4,
}

/// <summary>
/// An entry of the durable feed log. The cursor is the table's auto-increment key, assigned when the
/// event is written in the same transaction as the change it reports, so readers see events in
/// commit order and a resuming subscriber misses nothing.
/// </summary>
public sealed class OfferEvent
{
    private OfferEvent()
    {
    }

    public long Cursor { get; private set; }
    public string OfferId { get; private set; } = string.Empty;
    public FeedEventType Type { get; private set; }
    public DateTime EventTime { get; private set; }
    public string Note { get; private set; } = string.Empty;
    public OfferSnapshot Snapshot { get; private set; } = new();

    public static OfferEvent For(Offer offer, FeedEventType type, string note, DateTime now) => new()
    {
        OfferId = offer.Id,
        Type = type,
        EventTime = now,
        Note = note,
        Snapshot = offer.Snapshot(),
    };
}
