namespace MediaMesh.Initiatives.Domain;

/// <summary>Identifiers: a readable prefix and a time-ordered GUID, so ids sort roughly by creation.</summary>
public static class Ids
{
    public static string NewInitiativeId() => "ini_" + Guid.CreateVersion7().ToString("N");
    public static string NewActivityId() => "act_" + Guid.CreateVersion7().ToString("N");
}
