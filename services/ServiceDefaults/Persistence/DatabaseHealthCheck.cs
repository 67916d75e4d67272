using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MediaMesh.ServiceDefaults.Persistence;

/// <summary>
/// The readiness check of a service's database (/health/ready and grpc.health.v1): can the service
/// reach its database. Probes come often (load balancers, the gateway, orchestrators), so a result
/// is reused for <see cref="FreshFor"/>; only then does the next probe ask the database again, and
/// probes arriving while that question is open share its answer. A database that goes away is
/// therefore reported within <see cref="FreshFor"/> + <see cref="DatabaseRegistration.HealthCheckTimeout"/>.
/// </summary>
public sealed class DatabaseHealthCheck<TContext>(IServiceScopeFactory scopes, TimeProvider clock) : IHealthCheck
    where TContext : DbContext
{
    /// <summary>How long one answer from the database stands for every probe.</summary>
    public static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private (HealthCheckResult Result, long At)? _last;
    private Task<HealthCheckResult>? _asking;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        Task<HealthCheckResult> asking;
        lock (_gate)
        {
            if (_last is { } last && clock.GetElapsedTime(last.At) < FreshFor)
            {
                return Task.FromResult(last.Result);
            }

            // One question at a time, bounded by the timeout of its own, whoever asked first.
            asking = _asking ??= AskAsync(context.Registration.FailureStatus);
        }

        return asking.WaitAsync(cancellationToken);
    }

    private async Task<HealthCheckResult> AskAsync(HealthStatus failureStatus)
    {
        await Task.Yield();
        HealthCheckResult result;
        try
        {
            using var timeout = new CancellationTokenSource(DatabaseRegistration.HealthCheckTimeout);
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TContext>();
            result = await db.Database.CanConnectAsync(timeout.Token)
                ? HealthCheckResult.Healthy()
                : new HealthCheckResult(failureStatus, "The database cannot be reached.");
        }
        catch (Exception ex)
        {
            result = new HealthCheckResult(failureStatus, "The database cannot be reached.", ex);
        }

        lock (_gate)
        {
            _last = (result, clock.GetTimestamp());
            _asking = null;
        }

        return result;
    }
}
