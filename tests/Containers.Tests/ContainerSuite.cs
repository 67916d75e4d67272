using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using DotNet.Testcontainers.Networks;
using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.TestSupport;
using Npgsql;
using Testcontainers.PostgreSql;

namespace MediaMesh.Containers.Tests;

/// <summary>
/// MediaMesh as a platform team runs it: the images built from deploy/Dockerfile
/// (<c>mediamesh/&lt;host&gt;:local</c>, e.g. by <c>docker-compose build</c>) and PostgreSQL, on one network,
/// the gateway the only way in. Without a Docker engine, or without the images, the tests are skipped with
/// the reason, unless <c>MEDIAMESH_REQUIRE_IMAGES=1</c> (CI) makes missing images a failure.
/// </summary>
public sealed class ContainerSuite : IAsyncLifetime
{
    public const string Tag = "local";
    private const string Password = "suite-password";
    private static readonly string[] Services = ["organization", "initiative", "exchange"];

    private readonly List<IContainer> _containers = [];
    private INetwork? _network;

    public string? Unavailable { get; private set; }

    public IContainer Organization { get; private set; } = null!;

    public IContainer Gateway { get; private set; } = null!;

    /// <summary>The gateway's published h2c gRPC address on this machine.</summary>
    public Uri GatewayAddress => new($"http://127.0.0.1:{Gateway.GetMappedPublicPort(5100)}");

    public async ValueTask InitializeAsync()
    {
        try
        {
            await TestPostgres.AdminConnectionStringAsync();
        }
        catch (Exception e) when (e.GetType().Name.Contains("Skip", StringComparison.Ordinal))
        {
            Unavailable = e.Message;
            return;
        }

        var missing = new List<string>();
        foreach (var host in Services.Append("gateway"))
        {
            if (!await ImageExistsAsync($"mediamesh/{host}:{Tag}"))
            {
                missing.Add($"mediamesh/{host}:{Tag}");
            }
        }

        if (missing.Count > 0)
        {
            var reason = $"images not built ({string.Join(", ", missing)}): run `docker-compose build` first";
            if (Environment.GetEnvironmentVariable("MEDIAMESH_REQUIRE_IMAGES") == "1")
            {
                throw new InvalidOperationException(reason);
            }

            Unavailable = reason;
            return;
        }

        _network = new NetworkBuilder().WithName("mediamesh-suite-" + Guid.NewGuid().ToString("N")[..8]).Build();
        await _network.CreateAsync();

        var postgres = Add(new PostgreSqlBuilder(TestPostgres.Image)
            .WithNetwork(_network).WithNetworkAliases("postgres")
            .WithUsername("mediamesh").WithPassword(Password).WithDatabase("postgres")
            .Build());
        await postgres.StartAsync();
        await using (var admin = new NpgsqlConnection(postgres.GetConnectionString()))
        {
            await admin.OpenAsync();
            foreach (var service in Services)
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE {service}", admin);
                await create.ExecuteNonQueryAsync();
            }
        }

        Organization = Add(Service("organization", 5101).Build());
        await Organization.StartAsync();
        var initiative = Add(Service("initiative", 5102).WithEnvironment("MediaMesh__Services__organization__Address", "http://organization:5101").Build());
        var exchange = Add(Service("exchange", 5103)
            .WithEnvironment("MediaMesh__Services__organization__Address", "http://organization:5101")
            .WithEnvironment("MediaMesh__Services__initiative__Address", "http://initiative:5102")
            .Build());
        await Task.WhenAll(initiative.StartAsync(), exchange.StartAsync());

        Gateway = Add(new ContainerBuilder($"mediamesh/gateway:{Tag}")
            .WithNetwork(_network).WithNetworkAliases("gateway")
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Production")
            .WithEnvironment("ASPNETCORE_HTTP_PORTS", string.Empty)
            // Only the gateway holds the gateway's private key; it verifies no token.
            .WithEnvironment("MediaMesh__InternalToken__PrivateKey", TestKeys.PrivateKey(InternalTokenNames.Gateway))
            .WithEnvironment("MediaMesh__Services__organization__Address", "http://organization:5101")
            .WithEnvironment("ReverseProxy__Clusters__organization__Destinations__organization-1__Address", "http://organization:5101")
            .WithEnvironment("ReverseProxy__Clusters__initiative__Destinations__initiative-1__Address", "http://initiative:5102")
            .WithEnvironment("ReverseProxy__Clusters__exchange__Destinations__exchange-1__Address", "http://exchange:5103")
            .WithPortBinding(5100, assignRandomHostPort: true)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilContainerIsHealthy())
            .Build());
        await Gateway.StartAsync();
    }

    /// <summary>The last lines each container wrote, to explain a failure.</summary>
    public async Task<string> LogsAsync()
    {
        var text = new System.Text.StringBuilder();
        foreach (var container in _containers)
        {
            var (stdout, stderr) = await container.GetLogsAsync();
            var lines = (stdout + stderr).Split('\n');
            text.AppendLine("--- " + container.Image.FullName).AppendJoin('\n', lines.TakeLast(40)).AppendLine();
        }

        return text.ToString();
    }

    private ContainerBuilder Service(string name, int port) => WithTokenKeys(new ContainerBuilder($"mediamesh/{name}:{Tag}"), name)
        .WithNetwork(_network!).WithNetworkAliases(name)
        .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Production")
        .WithEnvironment("MediaMesh__Database__Provider", "Postgres")
        .WithEnvironment($"ConnectionStrings__{name}", $"Host=postgres;Port=5432;Database={name};Username=mediamesh;Password={Password}")
        .WithWaitStrategy(Wait.ForUnixContainer().UntilContainerIsHealthy());

    /// <summary>As docker-compose.yml passes them: a service's own private key (if it calls others) and the public keys it trusts.</summary>
    private static ContainerBuilder WithTokenKeys(ContainerBuilder container, string name)
    {
        foreach (var issuer in ServiceCallAllowlist.CallersOf(name).Append(InternalTokenNames.Gateway))
        {
            container = container.WithEnvironment($"MediaMesh__InternalToken__Issuers__{issuer}__PublicKey", TestKeys.PublicKey(issuer));
        }

        return name == "organization" ? container : container.WithEnvironment("MediaMesh__InternalToken__PrivateKey", TestKeys.PrivateKey(name));
    }

    private T Add<T>(T container)
        where T : IContainer
    {
        _containers.Add(container);
        return container;
    }

    private static async Task<bool> ImageExistsAsync(string image)
    {
        var inspect = new System.Diagnostics.ProcessStartInfo("docker", ["image", "inspect", "--format", "{{.Id}}", image])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(inspect)!;
        await process.WaitForExitAsync();
        return process.ExitCode == 0;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var container in Enumerable.Reverse(_containers))
        {
            await container.DisposeAsync();
        }

        if (_network is not null)
        {
            await _network.DeleteAsync();
            await _network.DisposeAsync();
        }
    }
}

[CollectionDefinition("containers")]
public sealed class ContainerCollection : ICollectionFixture<ContainerSuite>;
