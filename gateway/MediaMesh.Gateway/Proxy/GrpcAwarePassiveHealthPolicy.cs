using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace MediaMesh.Gateway.Proxy;

/// <summary>
/// Passive health ("Passive:Policy": "GrpcTransportFailureRate"): YARP's TransportFailureRate,
/// except that a call counts as failed only when it failed through the backend's fault
/// (<see cref="ForwardedCall.IsBackendsFault"/>). A caller's deadline running out, a caller going
/// away, the gateway's unary limit, or a backend that answered with a status before the proxy
/// finished (a trailers-only refusal and a reset of the unread request body) count as successes,
/// so they never take a healthy backend out of rotation.
/// </summary>
public sealed class GrpcAwarePassiveHealthPolicy(IServiceProvider services, TimeProvider clock) : IPassiveHealthCheckPolicy
{
    public const string PolicyName = "GrpcTransportFailureRate";

    private IPassiveHealthCheckPolicy? _transportFailureRate;

    public string Name => PolicyName;

    public void RequestProxied(HttpContext context, ClusterState cluster, DestinationState destination)
    {
        // Resolved on first use: YARP's policy is registered under the same interface as this one.
        var inner = _transportFailureRate ??= services.GetServices<IPassiveHealthCheckPolicy>()
            .Single(p => p.Name == HealthCheckConstants.PassivePolicy.TransportFailureRate);
        var error = context.Features.Get<IForwarderErrorFeature>();
        var call = context.Features.Get<ForwardedCall>();
        if (error is null || call is null || ForwardedCall.IsBackendsFault(call.Classify(context, clock.GetUtcNow())))
        {
            inner.RequestProxied(context, cluster, destination);
            return;
        }

        // YARP's policy judges by the error feature alone: hide it while the call is counted.
        context.Features.Set<IForwarderErrorFeature>(null);
        try
        {
            inner.RequestProxied(context, cluster, destination);
        }
        finally
        {
            context.Features.Set(error);
        }
    }
}
