namespace MediaMesh.Exchange;

/// <summary>Settings of the exchange service, section "MediaMesh:Exchange" (media settings are under "MediaMesh:Media").</summary>
public sealed class ExchangeOptions
{
    public const string Section = "MediaMesh:Exchange";

    /// <summary>How long an idle feed waits before sending a heartbeat.</summary>
    public TimeSpan FeedHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often an idle feed re-reads the event log in case a signal was missed (another instance wrote).</summary>
    public TimeSpan FeedPollInterval { get; set; } = TimeSpan.FromSeconds(2);
}
