using System.ComponentModel.DataAnnotations;

namespace MediaMesh.ServiceDefaults.Lifecycle;

/// <summary>Configuration section "MediaMesh:Shutdown": how a stopping process hands its work to the others.</summary>
public sealed class ShutdownOptions
{
    public const string SectionName = "MediaMesh:Shutdown";

    /// <summary>
    /// How long readiness reports "draining" while the process still serves, before it stops listening.
    /// It must outlast the time a load balancer needs to notice (the gateway probes every 2 s and needs two
    /// failed probes), and it counts against the host's shutdown timeout (30 s) and the orchestrator's grace
    /// period (compose's stop_grace_period, Kubernetes' terminationGracePeriodSeconds).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan DrainDelay { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>The RetryInfo delay of the UNAVAILABLE that ends a stream still open when the drain ends.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan StreamRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);
}
