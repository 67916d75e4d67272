using Microsoft.Extensions.Options;

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

    /// <summary>What is wrong with the settings, naming the setting; null when they can be used.</summary>
    public string? Problem()
    {
        foreach (var (name, value) in (ReadOnlySpan<(string, TimeSpan)>)[
            (nameof(FeedHeartbeatInterval), FeedHeartbeatInterval), (nameof(FeedPollInterval), FeedPollInterval),
            (nameof(StandingRecheckInterval), StandingRecheckInterval), (nameof(UploadLease), UploadLease)])
        {
            if (value <= TimeSpan.Zero)
            {
                return $"{Section}:{name} must be positive.";
            }
        }

        if (StandingRecheckGrace < TimeSpan.Zero)
        {
            return $"{Section}:{nameof(StandingRecheckGrace)} must not be negative.";
        }

        if (FeedWindowEvents <= 0)
        {
            return $"{Section}:{nameof(FeedWindowEvents)} must be positive.";
        }

        // A subscriber joining at the window's oldest event is handed the whole window at once: a backlog smaller
        // than the window would let it go at once, again each time it caught up, and it would never be served live.
        if (FeedSubscriberBacklog < FeedWindowEvents)
        {
            return $"{Section}:{nameof(FeedSubscriberBacklog)} ({FeedSubscriberBacklog}) must be at least {Section}:{nameof(FeedWindowEvents)} ({FeedWindowEvents}).";
        }

        return DownloadRecheckChunks < 0 ? $"{Section}:{nameof(DownloadRecheckChunks)} must not be negative (0 turns the re-check off)." : null;
    }
}

/// <summary>Refuses to start an exchange whose <see cref="ExchangeOptions"/> cannot be used.</summary>
internal sealed class ExchangeOptionsValidator : IValidateOptions<ExchangeOptions>
{
    public ValidateOptionsResult Validate(string? name, ExchangeOptions options) =>
        options.Problem() is { } problem
            ? ValidateOptionsResult.Fail(problem)
            : ValidateOptionsResult.Success;
}
