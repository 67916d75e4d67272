namespace MediaMesh.ServiceDefaults.Persistence;

/// <summary><c>MediaMesh:Database</c>: when and how patiently a service brings its schema up to date.</summary>
public sealed class DatabaseMigrationOptions
{
    public const string Section = "MediaMesh:Database";

    /// <summary>
    /// Apply pending migrations when the service starts (the default). When false the service waits until
    /// someone has run the <c>migrate</c> command, then starts.
    /// </summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>How long start-up keeps retrying an unreachable database (with backoff) before the process gives up.</summary>
    public TimeSpan StartupRetryTime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest pause between two attempts.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);
}
