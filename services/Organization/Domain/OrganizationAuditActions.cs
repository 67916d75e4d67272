namespace MediaMesh.Organizations.Domain;

/// <summary>The directory's audit actions (entries: MediaMesh.Common.Audit.AuditEntry).</summary>
public static class OrganizationAuditActions
{
    public const string OrganizationCreated = "organization.created";
    public const string OrganizationUpdated = "organization.updated";
    public const string OrganizationActivated = "organization.activated";
    public const string OrganizationSuspended = "organization.suspended";
    public const string RoleChanged = "organization.role_changed";
    public const string MembershipRequested = "membership.requested";
    public const string MembershipApproved = "membership.approved";
    public const string MembershipDeclined = "membership.declined";
    public const string MembershipEnded = "membership.ended";
    public const string ApiKeyCreated = "api_key.created";
    public const string ApiKeyRevoked = "api_key.revoked";
}
