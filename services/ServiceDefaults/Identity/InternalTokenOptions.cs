using System.ComponentModel.DataAnnotations;

namespace MediaMesh.ServiceDefaults.Identity;

/// <summary>Configuration section "MediaMesh:InternalToken": how internal tokens are signed and checked.</summary>
public sealed class InternalTokenOptions
{
    public const string SectionName = "MediaMesh:InternalToken";

    /// <summary>
    /// Shared HMAC-SHA256 key, base64, at least 32 bytes. The gateway signs with it and the services
    /// verify with it. Never committed: set MediaMesh__InternalToken__SigningKey.
    /// </summary>
    [Required]
    public string SigningKey { get; set; } = string.Empty;

    public string Issuer { get; set; } = "mediamesh-gateway";

    public string Audience { get; set; } = "mediamesh-services";

    /// <summary>How long an issued token is valid.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(5);

    public byte[] GetKeyBytes()
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(SigningKey);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{SectionName}:SigningKey must be base64.");
        }

        if (key.Length < 32)
        {
            throw new InvalidOperationException($"{SectionName}:SigningKey must decode to at least 32 bytes.");
        }

        return key;
    }
}
