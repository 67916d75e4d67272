namespace MediaMesh.Exchange;

/// <summary>Settings of the exchange service, section "MediaMesh:Exchange" (media settings are under "MediaMesh:Media").</summary>
public sealed class ExchangeOptions
{
    public const string Section = "MediaMesh:Exchange";

    /// <summary>How long an idle feed waits before sending a heartbeat.</summary>
    public TimeSpan FeedHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How often the instance's one feed reader (<see cref="Application.FeedLogReader"/>) re-reads the event
    /// log in case a signal was missed (another instance wrote): one read per interval per instance.
    /// </summary>
    public TimeSpan FeedPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many recent events the feed reader keeps in memory; a subscriber resuming from an older cursor reads the log itself until it gets there.</summary>
    public int FeedWindowEvents { get; set; } = 4096;

    /// <summary>
    /// How many events a live subscriber may fall behind the feed reader (a client that reads slowly);
    /// beyond that it is let go and reads the log itself from its cursor until it has caught up.
    /// </summary>
    public int FeedSubscriberBacklog { get; set; } = 10_000;

    /// <summary>
    /// How often a running feed or download re-checks its caller with the organization service (key
    /// still usable, organisation still active, coordinator role still held; for the feed also the
    /// member's country and unions) and a download re-checks the rights.
    /// </summary>
    public TimeSpan StandingRecheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a running feed or download goes on while the organization service cannot be reached
    /// for a re-check (counted from the last good answer); after that it ends with UNAVAILABLE.
    /// </summary>
    public TimeSpan StandingRecheckGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long an upload holds its rendition without news from the client: the lease is renewed while
    /// chunks arrive, so a stalled upload loses it after this long and a resumed one can take over.
    /// </summary>
    public TimeSpan UploadLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A download also re-checks the rights (a database read) after this many chunks; 0 turns it off.</summary>
    public int DownloadRecheckChunks { get; set; } = 64;
}
