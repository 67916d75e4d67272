namespace MediaMesh.Startup.Bench;

/// <summary>
/// One MediaMesh host as the benchmark starts it: its Release build, its gRPC port, and the
/// configuration it needs (as services/AppHost/AppHost.cs and docker-compose.yml give it), given the
/// run's keys, data folder and the ports of the hosts started before it.
/// </summary>
internal sealed record HostProcess(string Name, string Project, int Port, Func<RunContext, IReadOnlyDictionary<string, string>> Settings)
{
    public string Assembly => Path.GetFileNameWithoutExtension(Project) + ".dll";

    public string BuildFolder(string repositoryRoot) => Path.Combine(repositoryRoot, Path.GetDirectoryName(Project)!, "bin", "Release", "net10.0");

    public static readonly int OrganizationPort = 6211, InitiativePort = 6212, ExchangePort = 6213, GatewayPort = 6214, GatewayWebPort = 6215;

    public static IReadOnlyList<HostProcess> All { get; } =
    [
        new("organization", "services/Organization/MediaMesh.Organization.csproj", OrganizationPort, run => run.Service("organization", OrganizationPort)),
        new("initiative", "services/Initiative/MediaMesh.Initiative.csproj", InitiativePort, run => run.Service("initiative", InitiativePort, signs: true,
            ("MediaMesh__Services__organization__Address", $"http://127.0.0.1:{OrganizationPort}"))),
        new("exchange", "services/Exchange/MediaMesh.Exchange.csproj", ExchangePort, run => run.Service("exchange", ExchangePort, signs: true,
            ("MediaMesh__Services__organization__Address", $"http://127.0.0.1:{OrganizationPort}"),
            ("MediaMesh__Services__initiative__Address", $"http://127.0.0.1:{InitiativePort}"),
            ("MediaMesh__Media__RootDirectory", Path.Combine(run.DataDirectory, "media")))),
        new("gateway", "gateway/MediaMesh.Gateway/MediaMesh.Gateway.csproj", GatewayPort, run => run.Gateway()),
    ];
}

/// <summary>The keys and data folder of one run (fresh per run, as a first start of a deployment).</summary>
internal sealed class RunContext
{
    private static readonly string[] Issuers = ["gateway", "initiative", "exchange"];

    private readonly Dictionary<string, (string Private, string Public)> _keys =
        Issuers.ToDictionary(name => name, _ => MediaMesh.ServiceDefaults.Identity.TokenKeys.Generate(), StringComparer.Ordinal);

    public RunContext()
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "mediamesh-startup-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDirectory);
    }

    public string DataDirectory { get; }

    public string GatewayPrivateKey => _keys["gateway"].Private;

    public IReadOnlyDictionary<string, string> Service(string name, int port, bool signs = false, params (string Key, string Value)[] more)
    {
        var settings = Common(port);
        settings["MediaMesh__DataDirectory"] = DataDirectory;
        foreach (var (issuer, pair) in _keys)
        {
            settings[$"MediaMesh__InternalToken__Issuers__{issuer}__PublicKey"] = pair.Public;
        }

        if (signs)
        {
            settings["MediaMesh__InternalToken__PrivateKey"] = _keys[name].Private;
        }

        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    public IReadOnlyDictionary<string, string> Gateway()
    {
        var settings = Common(null);
        settings["ASPNETCORE_HTTP_PORTS"] = string.Empty;
        settings["Kestrel__Endpoints__Grpc__Url"] = $"http://127.0.0.1:{HostProcess.GatewayPort}";
        settings["Kestrel__Endpoints__Web__Url"] = $"http://127.0.0.1:{HostProcess.GatewayWebPort}";
        settings["MediaMesh__InternalToken__PrivateKey"] = _keys["gateway"].Private;
        settings["MediaMesh__Services__organization__Address"] = $"http://127.0.0.1:{HostProcess.OrganizationPort}";
        settings["ReverseProxy__Clusters__organization__Destinations__organization-1__Address"] = $"http://127.0.0.1:{HostProcess.OrganizationPort}";
        settings["ReverseProxy__Clusters__initiative__Destinations__initiative-1__Address"] = $"http://127.0.0.1:{HostProcess.InitiativePort}";
        settings["ReverseProxy__Clusters__exchange__Destinations__exchange-1__Address"] = $"http://127.0.0.1:{HostProcess.ExchangePort}";
        return settings;
    }

    public void Delete()
    {
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private static Dictionary<string, string> Common(int? port)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_NOLOGO"] = "1",
            // No collector in the benchmark: exporters stay off, as when OTEL_EXPORTER_OTLP_ENDPOINT is unset.
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = string.Empty,
        };
        if (port is { } p)
        {
            settings["ASPNETCORE_URLS"] = $"http://127.0.0.1:{p}";
            settings["ASPNETCORE_HTTP_PORTS"] = string.Empty;
        }

        return settings;
    }
}
