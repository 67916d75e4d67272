namespace MediaMesh.Organizations.Domain;

/// <summary>Identifiers: a readable prefix and a time-ordered GUID, so ids sort roughly by creation.</summary>
public static class Ids
{
    public static string NewOrganizationId() => "org_" + Guid.CreateVersion7().ToString("N");
    public static string NewMembershipId() => "mem_" + Guid.CreateVersion7().ToString("N");
    public static string NewApiKeyId() => "key_" + Guid.CreateVersion7().ToString("N");
}
