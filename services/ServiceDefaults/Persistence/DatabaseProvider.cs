using Microsoft.Extensions.Configuration;

namespace MediaMesh.ServiceDefaults.Persistence;

/// <summary>The database engines a MediaMesh service runs on.</summary>
public enum DatabaseProvider
{
    /// <summary>Embedded SQLite files under the data folder: the one-command run's default.</summary>
    Sqlite = 1,

    /// <summary>PostgreSQL (Npgsql), one database per service: what a platform team runs.</summary>
    Postgres = 2,
}

public static class DatabaseProviderConfiguration
{
    public const string ProviderKey = "MediaMesh:Database:Provider";

    /// <summary>Reads <c>MediaMesh:Database:Provider</c> ("Sqlite" when unset; "Postgres" or "PostgreSQL").</summary>
    public static DatabaseProvider Read(IConfiguration configuration)
    {
        var value = configuration[ProviderKey];
        if (string.IsNullOrWhiteSpace(value) || string.Equals(value, "Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            return DatabaseProvider.Sqlite;
        }

        if (string.Equals(value, "Postgres", StringComparison.OrdinalIgnoreCase) || string.Equals(value, "PostgreSQL", StringComparison.OrdinalIgnoreCase))
        {
            return DatabaseProvider.Postgres;
        }

        throw new InvalidOperationException($"{ProviderKey} '{value}' is not supported; use 'Sqlite' or 'Postgres'.");
    }
}
