using System.ComponentModel.DataAnnotations;

namespace MediaMesh.Gateway;

/// <summary>Configuration section "MediaMesh:Gateway".</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "MediaMesh:Gateway";

    /// <summary>Data annotations of the nested sections too (ValidateDataAnnotations checks only the top level).</summary>
    public bool NestedSectionsAreValid() =>
        new object[] { RateLimit, RefusalLimit, InFlight }.All(section =>
            Validator.TryValidateObject(section, new ValidationContext(section), null, validateAllProperties: true));

    /// <summary>
    /// How long a resolved API key is trusted without asking the organization service again. This is
    /// also the bound on how long a revoked key (or a suspended organisation) keeps working.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan KeyCacheTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long an unknown (or revoked, or expired) key is remembered as unknown, so that a key tried
    /// again and again costs the organization service one look-up per this time.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan NegativeKeyCacheTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Deadline of the call that resolves an API key.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan KeyResolutionTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Limit on ordinary (unary) calls through the gateway; streaming routes have none.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan UnaryCallTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long connecting to a backend may take before the call fails with UNAVAILABLE.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan BackendConnectTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Interval of HTTP/2 keep-alive pings to the backends (keeps idle streams' connections alive).</summary>
    public TimeSpan BackendKeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(30);

    [Required]
    public RateLimitOptions RateLimit { get; set; } = new();

    [Required]
    public InFlightOptions InFlight { get; set; } = new();

    /// <summary>
    /// Token bucket per client address of authentication refusals (no key, unknown key). Once it is
    /// empty, calls from that address whose key is not already known to the gateway are refused with
    /// RESOURCE_EXHAUSTED before any key look-up.
    /// </summary>
    [Required]
    public RateLimitOptions RefusalLimit { get; set; } = new() { BurstLimit = 20, TokensPerPeriod = 2 };
}

/// <summary>
/// Token bucket per organisation ("MediaMesh:Gateway:RateLimit"). Every call (a stream counts once)
/// takes one token; the bucket holds <see cref="BurstLimit"/> tokens and gets
/// <see cref="TokensPerPeriod"/> back every <see cref="ReplenishmentPeriod"/>.
/// </summary>
public sealed class RateLimitOptions
{
    [Range(1, 1_000_000)]
    public int BurstLimit { get; set; } = 200;

    [Range(1, 1_000_000)]
    public int TokensPerPeriod { get; set; } = 50;

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ReplenishmentPeriod { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// Limits on calls in flight through the gateway ("MediaMesh:Gateway:InFlight"): per organisation and in
/// total, unary calls and streams (feed subscriptions, uploads, downloads) each with their own, so open
/// streams never use up the unary budget. A call over a limit is refused at once (no queue) with
/// RESOURCE_EXHAUSTED and a RetryInfo of <see cref="RetryAfter"/>.
/// </summary>
public sealed class InFlightOptions
{
    [Range(1, 100_000)]
    public int PerOrganization { get; set; } = 32;

    [Range(1, 100_000)]
    public int Total { get; set; } = 64;

    [Range(1, 100_000)]
    public int StreamsPerOrganization { get; set; } = 200;

    [Range(1, 1_000_000)]
    public int StreamsTotal { get; set; } = 5_000;

    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);
}
