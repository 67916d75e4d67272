using System.Security.Cryptography;

namespace MediaMesh.Bench.Support;

/// <summary>Where a benchmark's MediaMesh processes run: ports from a base, pinned cores, Release builds, SQLite in a temp folder.</summary>
public sealed record BenchStackOptions
{
    /// <summary>organization = base+1, initiative = base+2, exchange = base+3, gateway gRPC = base, gateway web = base+80.</summary>
    public int BasePort { get; init; } = 6100;

    /// <summary>Cores (taskset list) for the services and the gateway; the load generator takes the others.</summary>
    public string Cores { get; init; } = "1";

    public string Configuration { get; init; } = "Release";

    /// <summary>
    /// Runs the hosts from <c>dotnet publish</c> output in this folder (<c>{folder}/{AssemblyName}/{AssemblyName}.dll</c>,
    /// e.g. the ReadyToRun images deploy/Dockerfile ships) instead of their build output.
    /// </summary>
    public string? PublishedDirectory { get; init; }

    /// <summary>Extra configuration for every process, e.g. MediaMesh__Gateway__RateLimit__TokensPerPeriod.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Extra configuration for one process ("organization", "initiative", "exchange", "gateway").</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> ProcessEnvironment { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, string>>();

    public bool StartGateway { get; init; } = true;

    /// <summary>Which services to start (the gateway needs all three for its health checks to pass).</summary>
    public IReadOnlyList<string> Services { get; init; } = ["organization", "initiative", "exchange"];

    /// <summary>
    /// Instances of every service (all behind the gateway, on one database): replica 1 is "organization"
    /// on base+1, replica N is "organization-N" on base+10×(N−1)+1. More than one wants PostgreSQL.
    /// </summary>
    public int Replicas { get; init; } = 1;

    /// <summary>Run the services on this server (a database per service, named DatabasePrefix_service) instead of SQLite.</summary>
    public LocalPostgres? Postgres { get; init; }

    public string DatabasePrefix { get; init; } = "mediamesh";
}

/// <summary>
/// The suite as a platform team runs it, as plain processes: the three services and the gateway from
/// their Release build output, ASPNETCORE_ENVIRONMENT=Production, fresh internal-token key pairs (as the
/// AppHost makes them), SQLite in a temp data folder, telemetry export off, and a coordinator API key
/// from the organization service's own bootstrap command. Build first: `dotnet build -c Release MediaMesh.sln`.
/// </summary>
public sealed class BenchStack : IAsyncDisposable
{
    private static readonly string[] Issuers = ["gateway", "initiative", "exchange"];
    private readonly Dictionary<string, PinnedProcess> _processes = [];
    private readonly Dictionary<string, (string Private, string Public)> _keys;
    private readonly BenchStackOptions _options;

    private BenchStack(BenchStackOptions options, string dataDirectory)
    {
        _options = options;
        DataDirectory = dataDirectory;
        _keys = Issuers.ToDictionary(name => name, _ =>
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return (Convert.ToBase64String(key.ExportPkcs8PrivateKey()), Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()));
        });
    }

    public string DataDirectory { get; }

    public string CoordinatorApiKey { get; private set; } = string.Empty;

    public int GatewayPort => _options.BasePort;

    public int GatewayWebPort => _options.BasePort + 80;

    public IReadOnlyDictionary<string, PinnedProcess> Processes => _processes;

    /// <summary>Writes what every process printed, one block each: what a failed run leaves to read.</summary>
    public void WriteOutputTo(TextWriter writer)
    {
        foreach (var (name, process) in _processes)
        {
            writer.WriteLine($"--- {name} ---\n{process.Output}");
        }
    }

    /// <summary>An issuer's private key (PKCS#8, base64), for a benchmark that signs internal tokens as that issuer (calls straight to a service).</summary>
    public string PrivateKeyOf(string issuer) => _keys[issuer].Private;

    public static int PortOf(BenchStackOptions options, string process)
    {
        var (service, replica) = SplitReplica(process);
        var offset = service switch
        {
            "gateway" => 0,
            "organization" => 1,
            "initiative" => 2,
            "exchange" => 3,
            _ => throw new ArgumentException($"unknown process {process}", nameof(process)),
        };
        return options.BasePort + offset + (10 * (replica - 1));
    }

    /// <summary>"exchange-2" is replica 2 of exchange; "exchange" is replica 1.</summary>
    public static (string Service, int Replica) SplitReplica(string process)
    {
        var dash = process.LastIndexOf('-');
        return dash > 0 && int.TryParse(process[(dash + 1)..], out var replica) ? (process[..dash], replica) : (process, 1);
    }

    /// <summary>The process name of replica <paramref name="replica"/> of a service.</summary>
    public static string ReplicaName(string service, int replica) => replica == 1 ? service : $"{service}-{replica}";

    /// <summary>Every service process of this stack, replicas included, in start order.</summary>
    public IEnumerable<string> ServiceProcesses() =>
        _options.Services.SelectMany(service => Enumerable.Range(1, _options.Replicas).Select(replica => ReplicaName(service, replica)));

    /// <summary>The connection string a service runs on (PostgreSQL), or null on SQLite.</summary>
    public string? ConnectionStringOf(string service) =>
        _options.Postgres?.ConnectionString($"{_options.DatabasePrefix}_{SplitReplica(service).Service}");

    public int PortOf(string process) => PortOf(_options, process);

    /// <summary>The repository root: the folder holding MediaMesh.sln, searched upwards from the current folder.</summary>
    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(System.Environment.CurrentDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "MediaMesh.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("run the benchmark from inside the repository (MediaMesh.sln not found above the current folder)");
    }

    /// <summary>The project file of a host ("organization", "exchange-2", "gateway", …).</summary>
    public static string ProjectOf(string process)
    {
        var (folder, name) = HostOf(process);
        return Path.Combine(RepositoryRoot(), folder, name + ".csproj");
    }

    /// <summary>
    /// The assembly a process runs: the build output (e.g. services/Organization/bin/Release/net10.0/MediaMesh.Organization.dll),
    /// or the one published in <paramref name="publishedDirectory"/>.
    /// </summary>
    public static string AssemblyOf(string process, string configuration = "Release", string? publishedDirectory = null)
    {
        var (folder, name) = HostOf(process);
        if (publishedDirectory is not null)
        {
            var published = Path.Combine(publishedDirectory, name, name + ".dll");
            return File.Exists(published) ? published : throw new FileNotFoundException($"{published} is missing: publish {name} there first", published);
        }

        var path = Path.Combine(RepositoryRoot(), folder, "bin", configuration, "net10.0", name + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing: run `dotnet build -c {configuration} MediaMesh.sln` first", path);
    }

    private static (string Folder, string Name) HostOf(string process) => SplitReplica(process).Service switch
    {
        "gateway" => ("gateway/MediaMesh.Gateway", "MediaMesh.Gateway"),
        "organization" => ("services/Organization", "MediaMesh.Organization"),
        "initiative" => ("services/Initiative", "MediaMesh.Initiative"),
        "exchange" => ("services/Exchange", "MediaMesh.Exchange"),
        _ => throw new ArgumentException($"unknown process {process}", nameof(process)),
    };

    /// <summary>A stack with its keys and data folder, nothing started yet (for a benchmark that times each start itself).</summary>
    public static BenchStack Create(BenchStackOptions options) =>
        new(options, Directory.CreateTempSubdirectory("mediamesh-bench-").FullName);

    /// <summary>Starts the services (and the gateway), waits until each listens, bootstraps a coordinator.</summary>
    public static async Task<BenchStack> StartAsync(BenchStackOptions options)
    {
        var stack = Create(options);
        try
        {
            if (options.Postgres is { } postgres)
            {
                foreach (var service in options.Services)
                {
                    await postgres.CreateDatabaseAsync($"{options.DatabasePrefix}_{service}");
                }
            }

            foreach (var service in stack.ServiceProcesses())
            {
                await stack.StartProcessAsync(service);
            }

            if (options.StartGateway)
            {
                await stack.StartProcessAsync("gateway");
            }

            if (options.Services.Contains("organization"))
            {
                stack.CoordinatorApiKey = await stack.BootstrapAsync("Bench Coordination Office", "MY");
            }

            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    /// <summary>The environment a process gets: what the AppHost and docker-compose.yml give it, on this stack's ports.</summary>
    public IReadOnlyDictionary<string, string> EnvironmentOf(string process)
    {
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["MediaMesh__DataDirectory"] = DataDirectory,
            ["Logging__LogLevel__Default"] = "Warning",
            // No collector in a benchmark: exporters stay off (tracing itself stays on).
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = string.Empty,
        };
        if (Environment.GetEnvironmentVariable(LogDirectoryVariable) is { Length: > 0 })
        {
            // Logs kept to be read afterwards: also what the gateway logs at Information about a refused HTTP/1.1
            // caller whose body it could not drain (the connection is closed on the caller).
            env["Logging__LogLevel__MediaMesh.Gateway.Errors"] = "Information";
        }

        foreach (var (name, pair) in _keys)
        {
            env[$"MediaMesh__InternalToken__Issuers__{name}__PublicKey"] = pair.Public;
        }

        if (_keys.TryGetValue(SplitReplica(process).Service, out var own))
        {
            env["MediaMesh__InternalToken__PrivateKey"] = own.Private;
        }

        if (process == "gateway")
        {
            env["ASPNETCORE_HTTP_PORTS"] = string.Empty;
            env["Kestrel__Endpoints__Grpc__Url"] = $"http://127.0.0.1:{GatewayPort}";
            env["Kestrel__Endpoints__Web__Url"] = $"http://127.0.0.1:{GatewayWebPort}";
            AddOutboundAddresses(env, "organization");
            foreach (var service in (string[])["organization", "initiative", "exchange"])
            {
                for (var replica = 1; replica <= _options.Replicas; replica++)
                {
                    env[$"ReverseProxy__Clusters__{service}__Destinations__{service}-{replica}__Address"] =
                        $"http://127.0.0.1:{PortOf(ReplicaName(service, replica))}";
                }
            }
        }
        else
        {
            if (ConnectionStringOf(process) is { } connectionString)
            {
                env["MediaMesh__Database__Provider"] = "Postgres";
                // Npgsql's default pool of 100 per process would let six replicas ask for more than the server's
                // max_connections (300) when a cold start piles calls up ("53300: too many clients"): a platform
                // team sizes each replica's pool to its share, as this does.
                env[$"ConnectionStrings__{SplitReplica(process).Service}"] = _options.Replicas > 1
                    ? connectionString + $";Maximum Pool Size={ReplicaPoolSize}"
                    : connectionString;
            }

            env["ASPNETCORE_URLS"] = $"http://127.0.0.1:{PortOf(process)}";
            AddOutboundAddresses(env, "organization");
            AddOutboundAddresses(env, "initiative");
            env["MediaMesh__Media__RootDirectory"] = Path.Combine(DataDirectory, "media");
        }

        foreach (var (key, value) in _options.Environment)
        {
            env[key] = value;
        }

        if (_options.ProcessEnvironment.TryGetValue(process, out var extra)
            || _options.ProcessEnvironment.TryGetValue(SplitReplica(process).Service, out extra))
        {
            foreach (var (key, value) in extra)
            {
                env[key] = value;
            }
        }

        return env;
    }

    /// <summary>Where a process calls <paramref name="service"/>: its one address, or every replica's.</summary>
    private void AddOutboundAddresses(Dictionary<string, string> env, string service)
    {
        if (_options.Replicas == 1)
        {
            env[$"MediaMesh__Services__{service}__Address"] = $"http://127.0.0.1:{PortOf(service)}";
            return;
        }

        for (var replica = 1; replica <= _options.Replicas; replica++)
        {
            env[$"MediaMesh__Services__{service}__Addresses__{replica - 1}"] = $"http://127.0.0.1:{PortOf(ReplicaName(service, replica))}";
        }
    }

    /// <summary>
    /// Names a folder where every process's whole output is kept, a file per process (appended across its
    /// restarts), for reading a run afterwards; without it only the last lines are kept.
    /// </summary>
    public const string LogDirectoryVariable = "MEDIAMESH_BENCH_LOGS";

    /// <summary>Each replica's database connections at most when several run (2 × 3 services × 40 = 240 of the server's 300).</summary>
    private const int ReplicaPoolSize = 40;

    /// <summary>Starts one process and returns at once, before it listens.</summary>
    public PinnedProcess Launch(string process)
    {
        // The build output folder is the content root, so the process reads its appsettings.json
        // (Kestrel endpoints and protocols, the gateway's routes) as it does when deployed.
        var assembly = AssemblyOf(process, _options.Configuration, _options.PublishedDirectory);
        var started = PinnedProcess.Start(_options.Cores, "dotnet", [assembly], EnvironmentOf(process), Path.GetDirectoryName(assembly));
        if (Environment.GetEnvironmentVariable(LogDirectoryVariable) is { Length: > 0 } logs)
        {
            started.CopyOutputTo(Path.Combine(Directory.CreateDirectory(logs).FullName, process + ".log"));
        }

        _processes[process] = started;
        return started;
    }

    public async Task<PinnedProcess> StartProcessAsync(string process)
    {
        var started = Launch(process);
        await started.WaitForPortAsync(PortOf(process), TimeSpan.FromSeconds(60));
        return started;
    }

    /// <summary>Kills one process (SIGKILL, as a crash would) and starts it again on the same data.</summary>
    public async Task<PinnedProcess> RestartAsync(string process)
    {
        if (_processes.Remove(process, out var running))
        {
            await running.DisposeAsync();
        }

        return await StartProcessAsync(process);
    }

    /// <summary>Kills one process (SIGKILL, as a crash would) and leaves it down.</summary>
    public async Task KillAsync(string process)
    {
        if (_processes.Remove(process, out var running))
        {
            await running.DisposeAsync();
        }
    }

    /// <summary>
    /// Stops one process as an orchestrator does (SIGTERM), waits up to <paramref name="grace"/> for it to
    /// exit by itself, then kills it. Returns its exit code, or null when it had to be killed.
    /// </summary>
    public async Task<int?> StopAsync(string process, TimeSpan grace)
    {
        if (!_processes.Remove(process, out var running))
        {
            return null;
        }

        await using (running)
        {
            return await running.TerminateAsync(grace);
        }
    }

    /// <summary>Runs the organization service's bootstrap command on this stack's data and returns the coordinator API key.</summary>
    public async Task<string> BootstrapAsync(string name, string country)
    {
        var keyFile = Path.Combine(DataDirectory, $"coordinator-{Guid.NewGuid():N}.key");
        await using (var bootstrap = PinnedProcess.Start(_options.Cores, "dotnet",
            [AssemblyOf("organization", _options.Configuration, _options.PublishedDirectory), "bootstrap", "--name", name, "--country", country, "--key-file", keyFile],
            EnvironmentOf("organization"), Path.GetDirectoryName(AssemblyOf("organization", _options.Configuration, _options.PublishedDirectory))))
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (!bootstrap.HasExited && waited.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(50);
            }

            if (!File.Exists(keyFile))
            {
                throw new InvalidOperationException($"bootstrap wrote no key file:\n{bootstrap.Output}");
            }
        }

        return (await File.ReadAllTextAsync(keyFile)).Trim();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes.Values.Reverse())
        {
            await process.DisposeAsync();
        }

        _processes.Clear();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a dying process; the temp folder is cleaned by the OS later.
        }
    }
}
