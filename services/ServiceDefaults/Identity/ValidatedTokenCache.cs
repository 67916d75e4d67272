using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MediaMesh.ServiceDefaults.Identity;

/// <summary>
/// The JWT bearer handler's token handler: <see cref="JsonWebTokenHandler"/>, remembering each token
/// it verified, by its exact string, until the token's own expiry. The gateway reuses a token per
/// subject for most of its lifetime, so a busy caller costs one ECDSA verification per token, not one
/// per call. Nothing is accepted longer than verification itself would accept it (a cached token is
/// refused from its exp on, without the clock skew verification allows); a token that fails is never
/// remembered; the claims a call sees are a copy, so no call can change another's. Internal tokens
/// cannot be revoked (they live at most five minutes): revoking an API key or suspending an
/// organisation is checked where it is decided, at the gateway and by the services' own reads, not here.
/// One instance serves one scheme, whose validation parameters are fixed at start (the handler passes a
/// copy of them per request), so a token verified once stays verified under them.
/// </summary>
public sealed class ValidatedTokenCache(TimeProvider clock) : JsonWebTokenHandler
{
    /// <summary>At most this many tokens are remembered; beyond, expired ones go, then all.</summary>
    public const int Capacity = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _verified = new(StringComparer.Ordinal);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (_verified.TryGetValue(token, out var known))
        {
            if (now < known.Expires)
            {
                return new TokenValidationResult
                {
                    IsValid = true,
                    ClaimsIdentity = known.Identity.Clone(),
                    SecurityToken = known.Token,
                    Issuer = known.Issuer,
                    TokenType = known.TokenType,
                };
            }

            _verified.TryRemove(token, out _);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is JsonWebToken verified && verified.ValidTo > now)
        {
            Remember(token, new Entry(result.ClaimsIdentity.Clone(), verified, result.Issuer, result.TokenType, verified.ValidTo), now);
        }

        return result;
    }

    private void Remember(string token, Entry entry, DateTime now)
    {
        if (_verified.Count >= Capacity)
        {
            foreach (var (key, old) in _verified)
            {
                if (old.Expires <= now)
                {
                    _verified.TryRemove(key, out _);
                }
            }

            if (_verified.Count >= Capacity)
            {
                _verified.Clear();
            }
        }

        _verified[token] = entry;
    }

    private sealed record Entry(ClaimsIdentity Identity, JsonWebToken Token, string Issuer, string TokenType, DateTime Expires);
}
