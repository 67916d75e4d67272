namespace MediaMesh.Exchange.Domain;

/// <summary>Identifiers: a readable prefix and a time-ordered GUID, so ids sort roughly by creation.</summary>
public static class Ids
{
    public static string NewOfferId() => "off_" + Guid.CreateVersion7().ToString("N");
    public static string NewRequestId() => "req_" + Guid.CreateVersion7().ToString("N");
    public static string NewLicenceId() => "lic_" + Guid.CreateVersion7().ToString("N");
    public static string NewUsageReportId() => "use_" + Guid.CreateVersion7().ToString("N");
    public static string NewRenditionId() => "ren_" + Guid.CreateVersion7().ToString("N");
}
