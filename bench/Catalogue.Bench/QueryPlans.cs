using Microsoft.Data.Sqlite;

namespace MediaMesh.Catalogue.Bench;

/// <summary>Asks SQLite how it runs a captured statement (EXPLAIN QUERY PLAN with the same parameter values).</summary>
internal static class QueryPlans
{
    public static IReadOnlyList<string> Explain(string connectionString, CapturedCommand command)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + command.Sql;
        foreach (var (name, value) in command.Parameters)
        {
            explain.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        var depth = new Dictionary<long, int> { [0] = -1 };
        var lines = new List<string>();
        using var reader = explain.ExecuteReader();
        while (reader.Read())
        {
            var id = reader.GetInt64(0);
            var parent = reader.GetInt64(1);
            var level = depth.GetValueOrDefault(parent, -1) + 1;
            depth[id] = level;
            lines.Add(new string(' ', level * 2) + reader.GetString(3));
        }

        return lines;
    }

    /// <summary>True if a plan line reads a whole table without an index.</summary>
    public static bool IsFullScan(string line)
    {
        var trimmed = line.Trim();
        return trimmed.StartsWith("SCAN ", StringComparison.Ordinal) && !trimmed.Contains("USING", StringComparison.Ordinal)
            && !trimmed.Contains("CONSTANT ROW", StringComparison.Ordinal);
    }
}
