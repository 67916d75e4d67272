namespace MediaMesh.Exchange;

/// <summary>Settings of the exchange service, section "MediaMesh:Exchange".</summary>
public sealed class ExchangeOptions
{
    public const string Section = "MediaMesh:Exchange";

    /// <summary>Folder for rendition files; empty means "media" under MediaMesh:DataDirectory.</summary>
    public string MediaDirectory { get; set; } = string.Empty;

    /// <summary>Largest rendition accepted, in bytes (default 100 GiB).</summary>
    public long MaxRenditionBytes { get; set; } = 100L * 1024 * 1024 * 1024;

    /// <summary>How long an idle feed waits before sending a heartbeat.</summary>
    public TimeSpan FeedHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often an idle feed re-reads the event log in case a signal was missed (another instance wrote).</summary>
    public TimeSpan FeedPollInterval { get; set; } = TimeSpan.FromSeconds(2);
}
