using System.Data.Common;
using MediaMesh.Bench.Support;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace MediaMesh.Faults.Kills;

/// <summary>One invariant of a service's database: a query for the rows that break it (none may come back).</summary>
public sealed record StoreInvariant(string Service, string Name, string Sqlite, string Postgres);

/// <summary>A run of the invariants: how many queries ran, and each violation found (invariant and sample keys).</summary>
public sealed record InvariantRun(int Queries, IReadOnlyList<string> Violations);

/// <summary>
/// What "nothing half-written" means in each service's own tables (services/*/Persistence), read straight
/// from the databases — SQLite files in the stack's data folder (read-only), or the PostgreSQL databases
/// &lt;prefix&gt;_&lt;service&gt;. Every statement selects the keys of the rows that break its rule.
/// </summary>
public static class StoreInvariants
{
    /// <summary>The content version inside an offer snapshot (System.Text.Json web defaults: camelCase).</summary>
    private const string SqliteSnapshotVersion = "json_extract(e.\"Snapshot\", '$.contentVersion')";
    private const string PostgresSnapshotVersion = "(e.\"Snapshot\"::jsonb ->> 'contentVersion')::bigint";

    public static readonly IReadOnlyList<StoreInvariant> All =
    [
        Same("exchange", "no licence without its approved content request",
            "SELECT l.\"Id\" FROM licences l WHERE NOT EXISTS (SELECT 1 FROM content_requests r WHERE r.\"Id\" = l.\"RequestId\" AND r.\"State\" = 2 AND r.\"LicenceId\" = l.\"Id\")"),
        Same("exchange", "no approved content request without its licence",
            "SELECT r.\"Id\" FROM content_requests r WHERE r.\"State\" = 2 AND NOT EXISTS (SELECT 1 FROM licences l WHERE l.\"Id\" = r.\"LicenceId\" AND l.\"RequestId\" = r.\"Id\")"),
        new("exchange", "no new/corrected feed event without its offer version",
            $"SELECT e.\"Cursor\" FROM offer_events e WHERE e.\"Type\" IN (1, 2) AND NOT EXISTS (SELECT 1 FROM offer_versions v WHERE v.\"OfferId\" = e.\"OfferId\" AND v.\"ContentVersion\" = {SqliteSnapshotVersion})",
            $"SELECT e.\"Cursor\" FROM offer_events e WHERE e.\"Type\" IN (1, 2) AND NOT EXISTS (SELECT 1 FROM offer_versions v WHERE v.\"OfferId\" = e.\"OfferId\" AND v.\"ContentVersion\" = {PostgresSnapshotVersion})"),
        new("exchange", "no offer version without its feed event",
            $"SELECT v.\"OfferId\" || '@' || v.\"ContentVersion\" FROM offer_versions v WHERE NOT EXISTS (SELECT 1 FROM offer_events e WHERE e.\"OfferId\" = v.\"OfferId\" AND e.\"Type\" IN (1, 2) AND {SqliteSnapshotVersion} = v.\"ContentVersion\")",
            $"SELECT v.\"OfferId\" || '@' || v.\"ContentVersion\" FROM offer_versions v WHERE NOT EXISTS (SELECT 1 FROM offer_events e WHERE e.\"OfferId\" = v.\"OfferId\" AND e.\"Type\" IN (1, 2) AND {PostgresSnapshotVersion} = v.\"ContentVersion\")"),
        Same("exchange", "no published offer without its current version",
            "SELECT o.\"Id\" FROM offers o WHERE o.\"State\" IN (2, 3) AND NOT EXISTS (SELECT 1 FROM offer_versions v WHERE v.\"OfferId\" = o.\"Id\" AND v.\"ContentVersion\" = o.\"ContentVersion\")"),
        Same("exchange", "no draft offer with a feed event",
            "SELECT o.\"Id\" FROM offers o WHERE o.\"State\" = 1 AND EXISTS (SELECT 1 FROM offer_events e WHERE e.\"OfferId\" = o.\"Id\")"),
        Same("exchange", "no licence or request of a missing offer",
            "SELECT l.\"Id\" FROM licences l WHERE NOT EXISTS (SELECT 1 FROM offers o WHERE o.\"Id\" = l.\"OfferId\") UNION ALL SELECT r.\"Id\" FROM content_requests r WHERE NOT EXISTS (SELECT 1 FROM offers o WHERE o.\"Id\" = r.\"OfferId\")"),
        Same("initiative", "no signature without its initiative",
            "SELECT s.\"InitiativeId\" || '/' || s.\"OrganizationId\" FROM signatures s WHERE NOT EXISTS (SELECT 1 FROM initiatives i WHERE i.\"Id\" = s.\"InitiativeId\")"),
        Same("initiative", "no signature of an initiative that was never opened",
            "SELECT s.\"InitiativeId\" || '/' || s.\"OrganizationId\" FROM signatures s JOIN initiatives i ON i.\"Id\" = s.\"InitiativeId\" WHERE i.\"State\" = 1"),
        Same("organization", "no API key without its organisation",
            "SELECT k.\"Id\" FROM api_keys k WHERE NOT EXISTS (SELECT 1 FROM organizations o WHERE o.\"Id\" = k.\"OrganizationId\")"),
    ];

    private static StoreInvariant Same(string service, string name, string sql) => new(service, name, sql, sql);

    /// <summary>Runs the invariants of <paramref name="services"/> (all when null) on the stack's databases.</summary>
    public static async Task<InvariantRun> CheckAsync(BenchStack stack, IReadOnlyCollection<string>? services, CancellationToken ct)
    {
        var violations = new List<string>();
        var queries = 0;
        foreach (var group in All.Where(i => services is null || services.Contains(i.Service)).GroupBy(i => i.Service))
        {
            await using var connection = Open(stack, group.Key);
            await connection.OpenAsync(ct);
            foreach (var invariant in group)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = stack.ConnectionStringOf(group.Key) is null ? invariant.Sqlite : invariant.Postgres;
                command.CommandTimeout = 30;
                var keys = new List<string>();
                await using (var reader = await command.ExecuteReaderAsync(ct))
                {
                    while (await reader.ReadAsync(ct))
                    {
                        keys.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) ?? "?");
                    }
                }

                queries++;
                if (keys.Count > 0)
                {
                    violations.Add($"{group.Key}: {invariant.Name}: {keys.Count} row(s), e.g. {string.Join(", ", keys.Take(3))}");
                }
            }
        }

        return new InvariantRun(queries, violations);
    }

    /// <summary>The exchange's renditions as its table records them: (id, state, size, bytes received).</summary>
    public static async Task<IReadOnlyList<(string Id, int State, long Size, long Received)>> RenditionsAsync(BenchStack stack, CancellationToken ct)
    {
        await using var connection = Open(stack, "exchange");
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT \"Id\", \"State\", \"SizeBytes\", \"ReceivedBytes\" FROM renditions";
        var rows = new List<(string, int, long, long)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add((reader.GetString(0), Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture),
                Convert.ToInt64(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture), Convert.ToInt64(reader.GetValue(3), System.Globalization.CultureInfo.InvariantCulture)));
        }

        return rows;
    }

    /// <summary>Where the exchange's media store keeps a rendition's bytes (FileSystemMediaStore: &lt;root&gt;/renditions/&lt;id&gt;.media).</summary>
    public static string MediaFileOf(BenchStack stack, string renditionId) => Path.Combine(stack.DataDirectory, "media", "renditions", renditionId + ".media");

    private static DbConnection Open(BenchStack stack, string service) => stack.ConnectionStringOf(service) is { } postgres
        ? new NpgsqlConnection(postgres)
        : new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(stack.DataDirectory, service + ".db"),
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
}
