using Microsoft.Extensions.Diagnostics.HealthChecks;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace MediaMesh.Gateway.Discovery;

/// <summary>
/// A cluster is healthy while at least one of its destinations passes YARP's health checks (active
/// probes of the service's /health/ready, and passive observation of real calls). A destination
/// not yet probed counts as not known to be healthy.
/// </summary>
public sealed class BackendHealthCheck(IProxyStateLookup proxyState, string clusterId) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!proxyState.TryGetCluster(clusterId, out var cluster) || cluster.Destinations.IsEmpty)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"Cluster '{clusterId}' has no destinations."));
        }

        var destinations = cluster.Destinations.Values.ToList();
        var healthy = destinations.Count(IsHealthy);
        return Task.FromResult(healthy > 0
            ? HealthCheckResult.Healthy($"{healthy} of {destinations.Count} destinations healthy.")
            : HealthCheckResult.Unhealthy($"None of {destinations.Count} destinations is healthy."));
    }

    private static bool IsHealthy(DestinationState destination) =>
        destination.Health.Active == DestinationHealth.Healthy && destination.Health.Passive != DestinationHealth.Unhealthy;
}
