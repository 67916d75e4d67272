using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MediaMesh.ServiceDefaults.Identity;

/// <summary>The name this process signs and verifies internal tokens as ("gateway", "exchange", ...).</summary>
public sealed record InternalTokenIdentity(string Name);

/// <summary>
/// Signs internal tokens with this process's own ECDSA P-256 key (ES256). The key object and its
/// signing credentials are made once; a signed token is reused for a quarter of its lifetime per
/// (kind, subject), so a busy caller costs one signature every few seconds, not one per call.
/// Only tokens signed by the gateway's key pass as members (see <see cref="InternalTokenValidation"/>).
/// The key lives as long as the process: Microsoft.IdentityModel caches its signature provider by
/// the key's thumbprint, shared by every issuer of the same key, so it is never disposed.
/// </summary>
public sealed class InternalTokenIssuer
{
    private const int PruneAbove = 10_000;

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly ConcurrentDictionary<string, CachedToken> _cache = new(StringComparer.Ordinal);
    private readonly Lazy<(ECDsaSecurityKey Key, SigningCredentials Credentials)> _key;
    private readonly InternalTokenOptions _settings;
    private readonly TimeProvider _clock;

    public InternalTokenIssuer(IOptions<InternalTokenOptions> options, InternalTokenIdentity identity, TimeProvider clock)
    {
        _settings = options.Value;
        _clock = clock;
        Name = identity.Name;
        _key = new(() =>
        {
            var key = new ECDsaSecurityKey(TokenKeys.ImportPrivate(_settings.PrivateKey ?? string.Empty, $"{InternalTokenOptions.SectionName}:PrivateKey")) { KeyId = Name };
            return (key, new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256));
        });
    }

    /// <summary>The issuer name (the token's iss).</summary>
    public string Name { get; }

    /// <summary>A member token (the gateway's, after resolving an API key): subject the organisation, role member or coordinator.</summary>
    public string Issue(string organizationId, string role, string? apiKeyId = null)
    {
        if (role is not (CallerRoles.Member or CallerRoles.Coordinator))
        {
            throw new ArgumentException("A member token has the role member or coordinator; use IssueServiceToken for a service's own call.", nameof(role));
        }

        return Cached($"m\n{organizationId}\n{role}\n{apiKeyId}", () =>
        {
            var claims = new Dictionary<string, object>
            {
                [MediaMeshClaims.OrganizationId] = organizationId,
                [MediaMeshClaims.Role] = role,
            };
            if (!string.IsNullOrEmpty(apiKeyId))
            {
                claims[MediaMeshClaims.ApiKeyId] = apiKeyId;
            }

            return (InternalTokenNames.MemberAudience, claims);
        });
    }

    /// <summary>A token for this process's own call to <paramref name="callee"/>: subject service:{name}, audience the callee.</summary>
    public string IssueServiceToken(string callee) =>
        Cached($"s\n{callee}", () => (callee, new Dictionary<string, object>
        {
            [MediaMeshClaims.OrganizationId] = InternalTokenNames.ServiceSubject(Name),
            [MediaMeshClaims.Role] = CallerRoles.Service,
        }));

    private string Cached(string cacheKey, Func<(string Audience, Dictionary<string, object> Claims)> describe)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        if (_cache.TryGetValue(cacheKey, out var cached) && now >= cached.IssuedAt && now < cached.IssuedAt + (_settings.Lifetime / 4))
        {
            return cached.Token;
        }

        var (audience, claims) = describe();
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Name,
            Audience = audience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + _settings.Lifetime,
            SigningCredentials = _key.Value.Credentials,
        });
        if (_cache.Count > PruneAbove)
        {
            foreach (var (key, entry) in _cache)
            {
                if (now >= entry.IssuedAt + (_settings.Lifetime / 4))
                {
                    _cache.TryRemove(key, out _);
                }
            }
        }

        _cache[cacheKey] = new CachedToken(token, now);
        return token;
    }

    private sealed record CachedToken(string Token, DateTime IssuedAt);
}
