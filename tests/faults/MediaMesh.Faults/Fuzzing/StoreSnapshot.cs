using System.Security.Cryptography;
using System.Text;
using MediaMesh.Bench.Support;
using Microsoft.Data.Sqlite;

namespace MediaMesh.Faults.Fuzzing;

/// <summary>
/// A fingerprint of every row of every table of the three services' SQLite databases (the media
/// files are not included): two snapshots that differ name the tables whose rows changed. Left out is
/// <see cref="UseRecords"/>: the record that a key was presented, which a refused call rightly leaves.
/// </summary>
public sealed record StoreSnapshot(IReadOnlyDictionary<string, string> TableHashes)
{
    public static readonly string[] Services = ["organization", "initiative", "exchange"];

    /// <summary>An API key's last use (written at most once a minute per key, whatever the call's outcome).</summary>
    public static readonly (string Table, string Column)[] UseRecords = [("organization.api_keys", "LastUseTime")];

    public static async Task<StoreSnapshot> TakeAsync(BenchStack stack, CancellationToken ct)
    {
        var hashes = new Dictionary<string, string>();
        foreach (var service in Services)
        {
            await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = Path.Combine(stack.DataDirectory, service + ".db"),
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
            }.ToString());
            await connection.OpenAsync(ct);
            var tables = new List<string>();
            await using (var list = connection.CreateCommand())
            {
                list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%FTS%' AND name NOT LIKE '%fts%' ORDER BY name";
                await using var reader = await list.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    tables.Add(reader.GetString(0));
                }
            }

            foreach (var table in tables)
            {
                var columns = new List<string>();
                await using (var info = connection.CreateCommand())
                {
                    info.CommandText = $"SELECT name FROM pragma_table_info('{table}')";
                    await using var names = await info.ExecuteReaderAsync(ct);
                    while (await names.ReadAsync(ct))
                    {
                        var column = names.GetString(0);
                        if (!UseRecords.Contains(($"{service}.{table}", column)))
                        {
                            columns.Add($"\"{column}\"");
                        }
                    }
                }

                await using var select = connection.CreateCommand();
                select.CommandText = $"SELECT {string.Join(", ", columns)} FROM \"{table}\" ORDER BY rowid";
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                await using var reader = await select.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    for (var i = 0; i < reader.FieldCount; i++)
                    {
                        var value = reader.GetValue(i);
                        hash.AppendData(value is byte[] bytes ? bytes : Encoding.UTF8.GetBytes(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "∅"));
                        hash.AppendData([0x1F]);
                    }

                    hash.AppendData([0x1E]);
                }

                hashes[$"{service}.{table}"] = Convert.ToHexString(hash.GetHashAndReset());
            }
        }

        return new StoreSnapshot(hashes);
    }

    /// <summary>The tables whose rows differ from <paramref name="before"/>.</summary>
    public IReadOnlyList<string> ChangedSince(StoreSnapshot before) =>
        [.. TableHashes.Keys.Union(before.TableHashes.Keys)
            .Where(t => !TableHashes.TryGetValue(t, out var now) || !before.TableHashes.TryGetValue(t, out var then) || now != then)
            .Order(StringComparer.Ordinal)];
}
