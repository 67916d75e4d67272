using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using MediaMesh.ServiceDefaults.Identity;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using V1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Gateway.Authentication;

/// <summary>
/// Resolves a member's API key through CredentialService.ResolveApiKey and caches the answer for
/// <see cref="GatewayOptions.KeyCacheTime"/> (never past the key's own expiry). Only keys that exist
/// are cached (so guessed keys cannot fill memory); failures to reach the service are not cached.
/// </summary>
public sealed partial class ApiKeyResolver(
    V1.CredentialService.CredentialServiceClient credentials,
    InternalTokenIssuer issuer,
    IMemoryCache cache,
    IOptionsMonitor<GatewayOptions> options,
    TimeProvider clock,
    ILogger<ApiKeyResolver> logger)
{
    /// <summary>The gateway's own identity towards the organization service.</summary>
    public const string GatewayOrganizationId = "mediamesh-gateway";

    public async Task<KeyResolution> ResolveAsync(string secret, CancellationToken ct)
    {
        var settings = options.CurrentValue;
        // The cache is keyed by a hash so that no secret sits in memory longer than the request.
        var cacheKey = "mm-api-key:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
        var now = clock.GetUtcNow();
        if (cache.TryGetValue(cacheKey, out KeyResolution? cached) && cached is not null)
        {
            return cached.Member?.ExpiresAt <= now ? new KeyResolution(KeyResolutionOutcome.Unknown, null) : cached;
        }

        KeyResolution resolution;
        try
        {
            var response = await credentials.ResolveApiKeyAsync(
                new V1.ResolveApiKeyRequest { Secret = secret },
                new Metadata { { "authorization", "Bearer " + issuer.Issue(GatewayOrganizationId, CallerRoles.Service) } },
                deadline: now.UtcDateTime + settings.KeyResolutionTimeout,
                cancellationToken: ct);
            var member = new ResolvedMember(
                response.ApiKeyId,
                response.OrganizationId,
                response.Role == V1.OrganizationRole.Coordinator ? CallerRoles.Coordinator : CallerRoles.Member,
                response.Status == V1.OrganizationStatus.Active,
                response.ExpireTime?.ToDateTimeOffset());
            resolution = new KeyResolution(member.IsActive ? KeyResolutionOutcome.Accepted : KeyResolutionOutcome.OrganizationInactive, member);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return new KeyResolution(KeyResolutionOutcome.Unknown, null);
        }
        catch (RpcException ex) when (ex.StatusCode != StatusCode.Cancelled || !ct.IsCancellationRequested)
        {
            LogResolutionFailed(logger, ex.StatusCode.ToString(), ex.Status.Detail);
            return new KeyResolution(KeyResolutionOutcome.Unavailable, null);
        }

        var lifetime = settings.KeyCacheTime;
        if (resolution.Member?.ExpiresAt is { } expires && expires - now < lifetime)
        {
            lifetime = expires - now;
        }

        if (lifetime > TimeSpan.Zero)
        {
            cache.Set(cacheKey, resolution, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = lifetime });
        }

        return resolution;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not resolve an API key: the organization service answered {Code} {Detail}")]
    private static partial void LogResolutionFailed(ILogger logger, string code, string detail);
}
