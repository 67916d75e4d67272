using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace MediaMesh.Bench.Support;

/// <summary>
/// A PostgreSQL 15 server of its own, started from /usr/lib/postgresql/15/bin in a folder on a free
/// loopback port (as the postgres user when run as root: it refuses root), no Docker. The fault suite
/// stops it (fast or immediate, as a crash would) and starts it again on the same data while the services run.
/// </summary>
public sealed class LocalPostgres : IAsyncDisposable
{
    public const string Binaries = "/usr/lib/postgresql/15/bin";

    private readonly bool _removeFolder;

    private LocalPostgres(string folder, int port, bool removeFolder)
    {
        Folder = folder;
        Port = port;
        _removeFolder = removeFolder;
    }

    public string Folder { get; }

    public string DataFolder => Path.Combine(Folder, "data");

    public int Port { get; }

    public bool IsRunning { get; private set; }

    public static bool IsInstalled => File.Exists(Path.Combine(Binaries, "postgres"));

    /// <summary>The server's connection string for <paramref name="database"/> (user postgres, trust authentication).</summary>
    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Timeout=15;Command Timeout=600";

    /// <summary>
    /// Initialises (unless <paramref name="folder"/> already holds a cluster) and starts a server.
    /// <paramref name="settings"/> go to the server's command line, e.g. "-c fsync=off"; without a folder
    /// a temporary one is made and removed when disposed.
    /// </summary>
    public static async Task<LocalPostgres> StartAsync(string? folder = null, string settings = "", int? port = null)
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException($"No PostgreSQL 15 in {Binaries} (apt-get install postgresql-15).");
        }

        var removeFolder = folder is null;
        folder ??= Directory.CreateTempSubdirectory("mediamesh-postgres-").FullName;
        Directory.CreateDirectory(folder);
        if (System.Environment.UserName == "root")
        {
            await RunAsync("/usr/bin/chown", "postgres", folder);
        }

        var server = new LocalPostgres(folder, port ?? FreePort(), removeFolder) { _settings = settings };
        if (!File.Exists(Path.Combine(server.DataFolder, "PG_VERSION")))
        {
            await RunAsync("initdb", "-D", server.DataFolder, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync");
        }

        await server.StartAgainAsync();
        return server;
    }

    private string _settings = string.Empty;

    /// <summary>Starts the stopped server again on the same data and port; returns once it accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        await RunAsync("pg_ctl", "-D", DataFolder, "-l", Path.Combine(Folder, "server.log"), "-w", "-t", "60", "-o",
            $"-p {Port} -k {Folder} -c listen_addresses=127.0.0.1 -c max_connections=300 {_settings}", "start");
        IsRunning = true;
    }

    /// <summary>Stops the server: "fast" (clients disconnected, a clean shut-down) or "immediate" (as a crash: recovery at the next start).</summary>
    public async Task StopAsync(string mode = "fast")
    {
        await RunAsync("pg_ctl", "-D", DataFolder, "-m", mode, "-w", "-t", "60", "stop");
        IsRunning = false;
    }

    /// <summary>Creates a database unless it exists.</summary>
    public async Task CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", name);
        if (await exists.ExecuteScalarAsync() is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
    }

    public async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (IsRunning)
        {
            await StopAsync("fast");
        }

        if (_removeFolder)
        {
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS's temp cleaning.
            }
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Runs a PostgreSQL tool (as the postgres user when this process is root), or an absolute command as it is.</summary>
    private static async Task RunAsync(string tool, params string[] args)
    {
        var path = tool.StartsWith('/') ? tool : Path.Combine(Binaries, tool);
        var start = System.Environment.UserName == "root" && !tool.StartsWith('/')
            ? new ProcessStartInfo("/usr/sbin/runuser", ["-u", "postgres", "--", path, .. args])
            : new ProcessStartInfo(path, args);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {path}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{path} {string.Join(' ', args)} failed ({process.ExitCode}): {await output}{await error}");
        }
    }
}
