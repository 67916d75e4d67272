using System.Security.Claims;
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
/// </summary>
public sealed class ApiKeyAuthenticationMiddleware(RequestDelegate next)
{
    public const string AuthenticationType = "MediaMeshApiKey";

    public async Task InvokeAsync(HttpContext context, ApiKeyResolver resolver, AddressRefusalLimiter refusals, InternalTokenIssuer issuer)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>() is null)
        {
            // Not proxied: the gateway's own reflection, health and refusal endpoints.
            await next(context);
            return;
        }

        var secret = PresentedSecret(context.Request);
        if (secret is null || !resolver.TryGetCached(secret, out var resolution))
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

            if (secret is null)
            {
                refusals.Refused(address);
                await GrpcErrorResponse.WriteAsync(context, StatusCode.Unauthenticated,
                    "Present your MediaMesh API key as 'authorization: Bearer <key>'.");
                return;
            }

            resolution = await resolver.ResolveAsync(secret, context.RequestAborted);
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
        context.User = new ClaimsPrincipal(new ClaimsIdentity(
            [
                new Claim(MediaMeshClaims.OrganizationId, member.OrganizationId),
                new Claim(MediaMeshClaims.Role, member.Role),
                new Claim(MediaMeshClaims.ApiKeyId, member.ApiKeyId),
            ],
            AuthenticationType, MediaMeshClaims.OrganizationId, MediaMeshClaims.Role));
        context.Request.Headers.Authorization = "Bearer " + issuer.Issue(member.OrganizationId, member.Role, member.ApiKeyId);
        await next(context);
    }

    private static string? PresentedSecret(HttpRequest request)
    {
        var header = request.Headers[HeaderNames.Authorization].ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var secret = header[scheme.Length..].Trim();
        return secret.Length == 0 ? null : secret;
    }
}
