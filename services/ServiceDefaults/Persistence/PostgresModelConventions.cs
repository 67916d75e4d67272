using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace MediaMesh.ServiceDefaults.Persistence;

/// <summary>
/// What every service's PostgreSQL model does differently from its SQLite model, in one place:
/// text compares ordinally (collation "C": keyset paging and sorting give the same order as SQLite's
/// BINARY and .NET's ordinal comparison, whatever locale the cluster was created with), and times are
/// <c>timestamp with time zone</c> holding UTC (the domain keeps UTC <see cref="DateTime"/>s of any Kind,
/// as SQLite hands them back).
/// </summary>
public static class PostgresModelConventions
{
    public const string OrdinalCollation = "C";

    public static void Apply(ModelConfigurationBuilder configuration)
    {
        configuration.Properties<string>().UseCollation(OrdinalCollation);
        configuration.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configuration.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    /// <summary>Marks a time as UTC on the way in (Npgsql refuses other kinds for timestamptz); out it is UTC already.</summary>
    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : DateTime.SpecifyKind(v, DateTimeKind.Utc),
        v => v.Kind == DateTimeKind.Utc ? v : DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
