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
    private readonly ConcurrentDictionary<TokenKey, CachedToken> _cache = new();
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
    public string Issue(string organizationId, string role, string? apiKeyId = null) => IssueMember(organizationId, role, apiKeyId).Token;

    /// <summary>
    /// <see cref="Issue"/> as the value of an authorization header ("Bearer &lt;token&gt;"), made once per
    /// signed token: a call through the gateway while its member's token is reused allocates nothing here.
    /// </summary>
    public string IssueBearer(string organizationId, string role, string? apiKeyId = null) => IssueMember(organizationId, role, apiKeyId).Bearer;

    /// <summary>A token for this process's own call to <paramref name="callee"/>: subject service:{name}, audience the callee.</summary>
    public string IssueServiceToken(string callee) =>
        Cached(new TokenKey(TokenKind.Service, callee, string.Empty, string.Empty), static (key, name) => (key.Subject, new Dictionary<string, object>
        {
            [MediaMeshClaims.OrganizationId] = InternalTokenNames.ServiceSubject(name),
            [MediaMeshClaims.Role] = CallerRoles.Service,
        })).Token;

    private CachedToken IssueMember(string organizationId, string role, string? apiKeyId)
    {
        if (role is not (CallerRoles.Member or CallerRoles.Coordinator))
        {
            throw new ArgumentException("A member token has the role member or coordinator; use IssueServiceToken for a service's own call.", nameof(role));
        }

        return Cached(new TokenKey(TokenKind.Member, organizationId, role, apiKeyId ?? string.Empty), static (key, _) =>
        {
            var claims = new Dictionary<string, object>
            {
                [MediaMeshClaims.OrganizationId] = key.Subject,
                [MediaMeshClaims.Role] = key.Role,
            };
            if (key.ApiKeyId.Length > 0)
            {
                claims[MediaMeshClaims.ApiKeyId] = key.ApiKeyId;
            }

            return (InternalTokenNames.MemberAudience, claims);
        });
    }

    /// <summary>The cached token of the key while it is within its reuse bound; else a newly signed one. A hit allocates nothing.</summary>
    private CachedToken Cached(TokenKey cacheKey, Func<TokenKey, string, (string Audience, Dictionary<string, object> Claims)> describe)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        var reuseFor = _settings.Lifetime / 4;
        if (_cache.TryGetValue(cacheKey, out var cached) && now >= cached.IssuedAt && now < cached.IssuedAt + reuseFor)
        {
            return cached;
        }

        var (audience, claims) = describe(cacheKey, Name);
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
                if (now >= entry.IssuedAt + reuseFor)
                {
                    _cache.TryRemove(key, out _);
                }
            }
        }

        var issued = new CachedToken(token, "Bearer " + token, now);
        _cache[cacheKey] = issued;
        return issued;
    }

    private enum TokenKind
    {
        Member,
        Service,
    }

    /// <summary>What a token stands for; a value type, so looking one up costs no allocation.</summary>
    private readonly record struct TokenKey(TokenKind Kind, string Subject, string Role, string ApiKeyId);

    private sealed record CachedToken(string Token, string Bearer, DateTime IssuedAt);
}
