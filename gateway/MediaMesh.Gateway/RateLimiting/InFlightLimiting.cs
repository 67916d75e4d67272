using System.Security.Claims;
using Grpc.Core;
using MediaMesh.Gateway.Errors;
using MediaMesh.ServiceDefaults.Identity;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Model;

namespace MediaMesh.Gateway.RateLimiting;

/// <summary>
/// The first step of the proxy pipeline: a proxied call runs only with an <see cref="InFlightLimiter"/>
/// permit, held until the forwarding has ended (answered, failed, timed out or cancelled by the
/// caller). Only proxied routes pass here, so health checks, reflection and the OpenAPI document are
/// never limited. Refusals are RESOURCE_EXHAUSTED with RetryInfo (HTTP 429 for REST), like the token bucket's.
/// </summary>
public static class InFlightLimiting
{
    /// <summary>Route metadata key; the value "stream" puts the route's calls in the stream budget, anything else (or none) in the unary one.</summary>
    public const string MetadataKey = "InFlight";

    public const string StreamValue = "stream";

    public static async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var organizationId = context.User.FindFirstValue(MediaMeshClaims.OrganizationId);
        if (string.IsNullOrEmpty(organizationId))
        {
            // Unauthenticated calls never reach the proxy; nothing to count.
            await next();
            return;
        }

        var kind = KindOf(context);
        var limiter = context.RequestServices.GetRequiredService<InFlightLimiter>();
        if (!limiter.TryEnter(organizationId, kind, out var permit, out var refusal))
        {
            var retryAfter = context.RequestServices.GetRequiredService<IOptionsMonitor<GatewayOptions>>().CurrentValue.InFlight.RetryAfter;
            await GrpcErrorResponse.WriteRetryLaterAsync(context, StatusCode.ResourceExhausted, MessageOf(refusal, kind), retryAfter);
            return;
        }

        using (permit)
        {
            await next();
        }
    }

    public static InFlightKind KindOf(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>()?.Config.Metadata?.TryGetValue(MetadataKey, out var value) == true
        && string.Equals(value, StreamValue, StringComparison.OrdinalIgnoreCase)
            ? InFlightKind.Stream
            : InFlightKind.Unary;

    private static string MessageOf(InFlightRefusal refusal, InFlightKind kind) => (refusal, kind) switch
    {
        (InFlightRefusal.Organization, InFlightKind.Unary) =>
            "Your organisation has too many calls in flight; retry after the delay in RetryInfo.",
        (InFlightRefusal.Organization, _) =>
            "Your organisation has too many streams open (feeds, uploads, downloads); retry after the delay in RetryInfo.",
        (_, InFlightKind.Unary) => "The gateway is at capacity; retry after the delay in RetryInfo.",
        _ => "The gateway has too many streams open; retry after the delay in RetryInfo.",
    };
}
