namespace MediaMesh.Gateway.Authentication;

/// <summary>What an API key stands for, as the organization service told the gateway.</summary>
public sealed record ResolvedMember(string ApiKeyId, string OrganizationId, string Role, bool IsActive, DateTimeOffset? ExpiresAt)
{
    private System.Security.Claims.ClaimsPrincipal? _principal;

    /// <summary>
    /// The member as the calls of its key see it, made once per answer the gateway caches (not per
    /// call). Never changed after it is made: everything downstream only reads it.
    /// </summary>
    public System.Security.Claims.ClaimsPrincipal Principal => _principal ??= MemberPrincipal.Of(this);
}

/// <summary>The outcome of resolving a presented API key.</summary>
public enum KeyResolutionOutcome
{
    Accepted,

    /// <summary>Unknown, revoked or expired: the three are not told apart.</summary>
    Unknown,

    /// <summary>The key is fine but its organisation is pending or suspended.</summary>
    OrganizationInactive,

    /// <summary>The organization service could not be asked (down, timed out).</summary>
    Unavailable,
}

public sealed record KeyResolution(KeyResolutionOutcome Outcome, ResolvedMember? Member);
