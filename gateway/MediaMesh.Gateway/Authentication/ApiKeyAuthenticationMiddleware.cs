using Grpc.Core;
using MediaMesh.Gateway.Errors;
using MediaMesh.ServiceDefaults.Identity;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Model;

namespace MediaMesh.Gateway.Authentication;

/// <summary>
/// Authenticates every proxied call: reads "authorization: Bearer &lt;API key&gt;", resolves it,
/// refuses unknown keys (UNAUTHENTICATED) and inactive organisations (PERMISSION_DENIED), and an
/// address with too many such refusals (RESOURCE_EXHAUSTED, before any look-up of a key not yet
/// known), then
/// replaces the member's key with a short-lived internal token signed by the gateway, so the key
/// never reaches a service and nothing the member sends can stand for another identity. Sets
/// <see cref="HttpContext.User"/> for the per-organisation rate limiter that runs next.
/// A call whose key is cached costs a hash of the key and a look-up: the principal and the
/// "Bearer" header are made once per cached answer and per signed token, not per call, and the
/// resolver (with its organization client) is created only when a key is not cached.
/// </summary>
public sealed class ApiKeyAuthenticationMiddleware(RequestDelegate next, ApiKeyCache keys, AddressRefusalLimiter refusals, InternalTokenIssuer issuer)
{
    public const string AuthenticationType = "MediaMeshApiKey";

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>() is null)
        {
            // Not proxied: the gateway's own reflection, health and refusal endpoints.
            await next(context);
            return;
        }

        var presented = context.Request.Headers[HeaderNames.Authorization].ToString();
        var cacheKey = CacheKeyOf(presented);
        if (cacheKey is null || !keys.TryGet(cacheKey, out var resolution))
        {
            // Not a key the gateway already knows: refused outright if this address has had too
            // many refusals, before the key costs a look-up at the organization service.
            var address = AddressRefusalLimiter.AddressOf(context);
            if (refusals.IsExhausted(address, out var retryAfter))
            {
                await GrpcErrorResponse.WriteRetryLaterAsync(context, StatusCode.ResourceExhausted,
                    "Too many calls from your address were refused for a missing or unknown API key; retry after the delay in RetryInfo.", retryAfter);
                return;
            }

            if (cacheKey is null)
            {
                refusals.Refused(address);
                await GrpcErrorResponse.WriteAsync(context, StatusCode.Unauthenticated,
                    "Present your MediaMesh API key as 'authorization: Bearer <key>'.");
                return;
            }

            var resolver = context.RequestServices.GetRequiredService<ApiKeyResolver>();
            resolution = await resolver.ResolveAsync(PresentedSecret(presented).ToString(), cacheKey, context.RequestAborted);
            if (resolution.Outcome == KeyResolutionOutcome.Unknown)
            {
                refusals.Refused(address);
            }
        }

        switch (resolution.Outcome)
        {
            case KeyResolutionOutcome.Unknown:
                await GrpcErrorResponse.WriteAsync(context, StatusCode.Unauthenticated, "The API key is unknown, revoked or expired.");
                return;
            case KeyResolutionOutcome.OrganizationInactive:
                await GrpcErrorResponse.WriteAsync(context, StatusCode.PermissionDenied,
                    "The organisation of this API key is not active (pending or suspended).");
                return;
            case KeyResolutionOutcome.Unavailable:
                await GrpcErrorResponse.WriteRetryLaterAsync(context, StatusCode.Unavailable,
                    "The API key cannot be checked right now; retry shortly.", TimeSpan.FromSeconds(1));
                return;
        }

        var member = resolution.Member!;
        context.User = member.Principal;
        context.Request.Headers.Authorization = issuer.IssueBearer(member.OrganizationId, member.Role, member.ApiKeyId);
        await next(context);
    }

    /// <summary>The cache key of the presented key; null if none is presented.</summary>
    private static string? CacheKeyOf(string header)
    {
        var secret = PresentedSecret(header);
        return secret.IsEmpty ? null : ApiKeyCache.KeyOf(secret);
    }

    /// <summary>The key in "Bearer &lt;key&gt;" (scheme case-insensitive, blanks trimmed); empty if none is presented.</summary>
    private static ReadOnlySpan<char> PresentedSecret(string header)
    {
        const string scheme = "Bearer ";
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header.AsSpan(scheme.Length).Trim() : [];
    }
}
