using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MediaMesh.ServiceDefaults.Lifecycle;

/// <summary>
/// How a MediaMesh process stops when asked (SIGTERM, docker stop, a rolling restart), in order:
/// <list type="number">
/// <item>readiness turns false ("draining", HTTP 503 on /health/ready, NOT_SERVING in grpc.health.v1) while
/// every call is still served, for <see cref="ShutdownOptions.DrainDelay"/>, so that load balancers (the
/// gateway's probes, Kubernetes) stop sending new calls here;</item>
/// <item><see cref="StreamsEnding"/> fires: open streams end with UNAVAILABLE and RetryInfo (see
/// <see cref="StreamShutdownInterceptor"/>), which the SDK resumes from on another replica;</item>
/// <item>the server stops listening and lets the calls in flight finish (within the host's shutdown timeout).</item>
/// </list>
/// A process whose readiness nobody ever asked for (an in-process test host, a single process run by hand)
/// has no one to drain from and skips the wait.
/// </summary>
public sealed partial class GracefulShutdown(IOptions<ShutdownOptions> options, TimeProvider clock, ILogger<GracefulShutdown> logger)
    : IHostedLifecycleService, IHealthCheck, IDisposable
{
    public const string HealthCheckName = "shutdown";

    private readonly CancellationTokenSource _streamsEnding = new();
    private volatile bool _draining;
    private volatile bool _probed;

    /// <summary>Fires once the drain is over: streams still open must end now.</summary>
    public CancellationToken StreamsEnding => _streamsEnding.Token;

    public bool IsDraining => _draining;

    public TimeSpan StreamRetryDelay => options.Value.StreamRetryDelay;

    /// <summary>Called for every HTTP readiness probe answered: someone routes by it, so a stop drains first.</summary>
    public void ReadinessProbed() => _probed = true;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_draining
            ? HealthCheckResult.Unhealthy("Shutting down: draining before the process stops.")
            : HealthCheckResult.Healthy());

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        var delay = _probed ? options.Value.DrainDelay : TimeSpan.Zero;
        LogDraining(logger, delay.TotalSeconds);
        try
        {
            await Task.Delay(delay, clock, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout ran out during the drain: end the streams and stop at once.
        }

        LogStreamsEnding(logger);
        await _streamsEnding.CancelAsync();
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _streamsEnding.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: readiness reports draining for {Seconds} s before the server stops listening.")]
    private static partial void LogDraining(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: drain over; open streams end with UNAVAILABLE and the server stops listening.")]
    private static partial void LogStreamsEnding(ILogger logger);
}
