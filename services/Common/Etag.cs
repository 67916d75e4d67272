namespace MediaMesh.Common;

/// <summary>
/// Etags are derived from a row's version counter, which every write increments and EF Core
/// uses as its concurrency token. Clients treat them as opaque.
/// </summary>
public static class Etag
{
    public static string From(long version) => $"W/\"{version}\"";

    /// <summary>True if the caller sent no etag (no check wanted) or the one that matches.</summary>
    public static bool Matches(string? presented, long currentVersion) =>
        string.IsNullOrEmpty(presented) || presented == From(currentVersion);
}
