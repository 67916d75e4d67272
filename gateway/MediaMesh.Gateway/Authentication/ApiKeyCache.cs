using System.Buffers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using MediaMesh.ServiceDefaults.Identity;
using Microsoft.Extensions.Caching.Memory;

namespace MediaMesh.Gateway.Authentication;

/// <summary>
/// The gateway's answers about API keys, keyed by a hash of the key so that no secret sits in
/// memory longer than its request. Read on every call before anything else: a hit costs a hash of
/// the presented key and one look-up, and resolves no service (the organization client is created
/// only for a miss, by <see cref="ApiKeyResolver"/>). How long an answer is kept is decided there.
/// </summary>
public sealed class ApiKeyCache(IMemoryCache cache, TimeProvider clock)
{
    private const string Prefix = "mm-api-key:";
    private static readonly KeyResolution Unknown = new(KeyResolutionOutcome.Unknown, null);

    /// <summary>The cache key of a presented secret: "mm-api-key:" and the hex SHA-256 of its UTF-8 bytes.</summary>
    public static string KeyOf(ReadOnlySpan<char> secret)
    {
        var length = Encoding.UTF8.GetMaxByteCount(secret.Length);
        var rented = length > 512 ? ArrayPool<byte>.Shared.Rent(length) : null;
        try
        {
            Span<byte> bytes = rented ?? stackalloc byte[512];
            var written = Encoding.UTF8.GetBytes(secret, bytes);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(bytes[..written], hash);
            return string.Create(Prefix.Length + (hash.Length * 2), hash, static (chars, hash) =>
            {
                Prefix.CopyTo(chars);
                Convert.TryToHexString(hash, chars[Prefix.Length..], out _);
            });
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented, clearArray: true);
            }
        }
    }

    /// <summary>The cached answer for this cache key, if there is one; an accepted key past its own expiry reads as unknown.</summary>
    public bool TryGet(string cacheKey, out KeyResolution resolution)
    {
        if (cache.TryGetValue(cacheKey, out KeyResolution? cached) && cached is not null)
        {
            resolution = cached.Member?.ExpiresAt <= clock.GetUtcNow() ? Unknown : cached;
            return true;
        }

        resolution = Unknown;
        return false;
    }

    public void Set(string cacheKey, KeyResolution resolution, TimeSpan lifetime) =>
        cache.Set(cacheKey, resolution, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = lifetime });
}

/// <summary>The principal of an accepted key, made once per cached answer (the rate limiter partitions by its organisation).</summary>
public static class MemberPrincipal
{
    public static ClaimsPrincipal Of(ResolvedMember member) => new(new ClaimsIdentity(
        [
            new Claim(MediaMeshClaims.OrganizationId, member.OrganizationId),
            new Claim(MediaMeshClaims.Role, member.Role),
            new Claim(MediaMeshClaims.ApiKeyId, member.ApiKeyId),
        ],
        ApiKeyAuthenticationMiddleware.AuthenticationType, MediaMeshClaims.OrganizationId, MediaMeshClaims.Role));
}
