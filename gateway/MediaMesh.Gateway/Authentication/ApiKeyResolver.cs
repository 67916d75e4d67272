using System.Collections.Concurrent;
using Grpc.Core;
using MediaMesh.ServiceDefaults.Identity;
using Microsoft.Extensions.Options;
using V1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Gateway.Authentication;

/// <summary>
/// Resolves a member's API key through CredentialService.ResolveApiKey. Answers are cached: a key
/// that exists for <see cref="GatewayOptions.KeyCacheTime"/> (never past the key's own expiry), an
/// unknown key for the shorter <see cref="GatewayOptions.NegativeKeyCacheTime"/>; failures to reach
/// the service are not cached. Concurrent look-ups of one key share one call (single flight).
/// </summary>
public sealed partial class ApiKeyResolver(
    V1.CredentialService.CredentialServiceClient credentials,
    ApiKeyCache cache,
    KeyResolutionFlights flights,
    IOptionsMonitor<GatewayOptions> options,
    TimeProvider clock,
    ILogger<ApiKeyResolver> logger)
{
    private static readonly KeyResolution Unknown = new(KeyResolutionOutcome.Unknown, null);

    public Task<KeyResolution> ResolveAsync(string secret, CancellationToken ct) => ResolveAsync(secret, ApiKeyCache.KeyOf(secret), ct);

    /// <summary>Resolves a key whose cache key (<see cref="ApiKeyCache.KeyOf"/>) the caller has already computed.</summary>
    public async Task<KeyResolution> ResolveAsync(string secret, string cacheKey, CancellationToken ct)
    {
        if (cache.TryGet(cacheKey, out var cached))
        {
            return cached;
        }

        // The shared call runs with no caller's token (one caller giving up must not fail the
        // others); its deadline bounds it. Each caller stops waiting when its own call ends.
        var flight = flights.Join(cacheKey, () => LookUpAsync(secret, cacheKey));
        return await flight.WaitAsync(ct);
    }

    private async Task<KeyResolution> LookUpAsync(string secret, string cacheKey)
    {
        var settings = options.CurrentValue;
        var now = clock.GetUtcNow();
        KeyResolution resolution;
        try
        {
            var response = await credentials.ResolveApiKeyAsync(
                new V1.ResolveApiKeyRequest { Secret = secret },
                // As the gateway itself (service:gateway), whatever the member presented.
                headers: null,
                deadline: now.UtcDateTime + settings.KeyResolutionTimeout,
                cancellationToken: CancellationToken.None);
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
            resolution = Unknown;
        }
        catch (RpcException ex)
        {
            LogResolutionFailed(logger, ex.StatusCode.ToString(), ex.Status.Detail);
            return new KeyResolution(KeyResolutionOutcome.Unavailable, null);
        }

        var lifetime = resolution.Outcome == KeyResolutionOutcome.Unknown ? settings.NegativeKeyCacheTime : settings.KeyCacheTime;
        if (resolution.Member?.ExpiresAt is { } expires && expires - now < lifetime)
        {
            lifetime = expires - now;
        }

        if (lifetime > TimeSpan.Zero)
        {
            cache.Set(cacheKey, resolution, lifetime);
        }

        return resolution;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not resolve an API key: the organization service answered {Code} {Detail}")]
    private static partial void LogResolutionFailed(ILogger logger, string code, string detail);
}

/// <summary>The look-ups in progress, one per key (by its hash): callers of the same key join the running one.</summary>
public sealed class KeyResolutionFlights
{
    private readonly ConcurrentDictionary<string, Lazy<Task<KeyResolution>>> _running = new(StringComparer.Ordinal);

    public Task<KeyResolution> Join(string key, Func<Task<KeyResolution>> lookUp)
    {
        var flight = _running.GetOrAdd(key, k => new Lazy<Task<KeyResolution>>(() => RunAsync(k, lookUp)));
        return flight.Value;
    }

    private async Task<KeyResolution> RunAsync(string key, Func<Task<KeyResolution>> lookUp)
    {
        try
        {
            return await lookUp();
        }
        finally
        {
            _running.TryRemove(key, out _);
        }
    }
}
