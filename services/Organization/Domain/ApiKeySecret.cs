using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace MediaMesh.Organizations.Domain;

/// <summary>
/// A freshly generated API key secret: "mmk_" + 32 random bytes (base64url). Because the secret has
/// 256 bits of entropy, a plain SHA-256 is the right hash: a slow password hash would add latency
/// to every gateway lookup and no security. The prefix (first 12 characters) identifies the key in
/// listings without revealing it.
/// </summary>
public sealed record ApiKeySecret(string Value, string Prefix, string Hash)
{
    public const string Scheme = "mmk_";
    private const int PrefixLength = 12;

    public static ApiKeySecret Generate()
    {
        var value = Scheme + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return new ApiKeySecret(value, value[..PrefixLength], HashOf(value));
    }

    /// <summary>The stored form of a presented secret (lower-case hex SHA-256).</summary>
    public static string HashOf(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Cheap shape check before touching the database.</summary>
    public static bool LooksValid(string? secret) => secret is { Length: > 20 and < 200 } && secret.StartsWith(Scheme, StringComparison.Ordinal);
}
