namespace MediaMesh.Organizations.Domain;

/// <summary>An API key's record. The secret is never stored, only its SHA-256 hash.</summary>
public sealed class ApiKey
{
    private ApiKey()
    {
    }

    public string Id { get; private set; } = string.Empty;
    public string OrganizationId { get; private set; } = string.Empty;
    public string DisplayName { get; private set; } = string.Empty;
    public string Prefix { get; private set; } = string.Empty;
    public string SecretHash { get; private set; } = string.Empty;
    public DateTime CreateTime { get; private set; }
    public DateTime? LastUseTime { get; private set; }
    public DateTime? RevokeTime { get; private set; }
    public DateTime? ExpireTime { get; private set; }

    public static ApiKey Create(string id, string organizationId, string displayName, ApiKeySecret secret, DateTime? expireTime, DateTime now) => new()
    {
        Id = id,
        OrganizationId = organizationId,
        DisplayName = displayName,
        Prefix = secret.Prefix,
        SecretHash = secret.Hash,
        CreateTime = now,
        ExpireTime = expireTime,
    };

    public bool IsUsable(DateTime now) => RevokeTime is null && (ExpireTime is null || ExpireTime > now);

    /// <summary>Revoking twice keeps the first revocation time.</summary>
    public void Revoke(DateTime now) => RevokeTime ??= now;

    /// <summary>
    /// Records a use. Writes at most once a minute per key so that a busy member does not turn every
    /// gateway lookup into a database write.
    /// </summary>
    public bool RecordUse(DateTime now)
    {
        if (LastUseTime is { } last && now - last < TimeSpan.FromMinutes(1))
        {
            return false;
        }

        LastUseTime = now;
        return true;
    }
}
