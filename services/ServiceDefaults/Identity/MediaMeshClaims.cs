namespace MediaMesh.ServiceDefaults.Identity;

/// <summary>
/// Claim names of the internal token that the gateway issues after resolving a member's API key,
/// and that every service verifies. Services read identity only from these claims.
/// </summary>
public static class MediaMeshClaims
{
    /// <summary>The organisation the call acts for (JWT "sub").</summary>
    public const string OrganizationId = "sub";

    /// <summary>The caller's role: see <see cref="CallerRoles"/>.</summary>
    public const string Role = "mm_role";

    /// <summary>The API key that authenticated the member (for audit), if any.</summary>
    public const string ApiKeyId = "mm_key";
}

/// <summary>Values of the <see cref="MediaMeshClaims.Role"/> claim.</summary>
public static class CallerRoles
{
    public const string Member = "member";
    public const string Coordinator = "coordinator";

    /// <summary>The gateway itself or another MediaMesh service acting on its own behalf.</summary>
    public const string Service = "service";
}
