extern alias exchange;
extern alias initiative;
extern alias organization;
using MediaMesh.TestSupport;
using Microsoft.AspNetCore.Builder;
using MediaMesh.ServiceDefaults.Identity;
using Microsoft.Extensions.DependencyInjection;
using ExchangeProgram = exchange::Program;
using InitiativeProgram = initiative::Program;
using OrganizationProgram = organization::Program;
using CommonV1 = MediaMesh.Contracts.Common.V1;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Gateway.Tests;

public sealed class OrganizationServiceHost(int? port = null, string? dataDirectory = null)
    : KestrelServiceHost<OrganizationProgram>(port, dataDirectory)
{
    private int _memberCalls;
    private int _credentialCalls;

    /// <summary>How many OrganizationService calls this instance has served (to see load balancing).</summary>
    public int MemberCalls => Volatile.Read(ref _memberCalls);

    /// <summary>How many CredentialService (API-key look-up) calls reached this instance.</summary>
    public int CredentialCalls => Volatile.Read(ref _credentialCalls);

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(new CallCounter(this)));
    }

    private sealed class CallCounter(OrganizationServiceHost host) : Microsoft.AspNetCore.Hosting.IStartupFilter
    {
        public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
        {
            app.Use((context, following) =>
            {
                if (context.Request.Path.StartsWithSegments("/mediamesh.organization.v1.OrganizationService", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref host._memberCalls);
                }
                else if (context.Request.Path.StartsWithSegments("/mediamesh.organization.v1.CredentialService", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref host._credentialCalls);
                }

                return following(context);
            });
            next(app);
        };
    }

    /// <summary>The documented bootstrap: the first coordinator organisation and its API key on an empty system.</summary>
    public async Task<(string OrganizationId, string ApiKey)> BootstrapCoordinatorAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        var bootstrap = scope.ServiceProvider.GetRequiredService<organization::MediaMesh.Organizations.Application.CoordinatorBootstrap>();
        var (org, secret) = await bootstrap.RunAsync("MediaMesh Coordination Office", "CN",
            organization::MediaMesh.Organizations.Domain.OrganizationKind.BroadcastingUnion, "en", CancellationToken.None);
        return (org.Id, secret);
    }
}

public sealed class InitiativeServiceHost : KestrelServiceHost<InitiativeProgram>
{
    public InitiativeServiceHost(string organizationAddress) =>
        WithSetting("MediaMesh:Services:organization:Address", organizationAddress);
}

/// <summary>The exchange service, calling the organization and initiative hosts over their real sockets.</summary>
public sealed class ExchangeServiceHost : KestrelServiceHost<ExchangeProgram>
{
    public ExchangeServiceHost(string organizationAddress, string initiativeAddress)
    {
        WithSetting("MediaMesh:Services:organization:Address", organizationAddress);
        WithSetting("MediaMesh:Services:initiative:Address", initiativeAddress);
    }
}

/// <summary>An organisation known to the system, with one API key.</summary>
public sealed record Member(string OrganizationId, string ApiKeyId, string ApiKey);

/// <summary>
/// All parts of MediaMesh in-process on real loopback ports, reached only through the gateway,
/// with a bootstrapped coordinator. Shared by the tests of a collection.
/// </summary>
public class Mesh : IAsyncLifetime
{
    private readonly IReadOnlyDictionary<string, string> _gatewaySettings;
    private readonly IReadOnlyDictionary<string, string> _exchangeSettings;

    public Mesh()
        : this(new Dictionary<string, string>(), new Dictionary<string, string>())
    {
    }

    /// <summary>A mesh whose gateway and exchange get extra settings (a fixture of its own for tests that need them).</summary>
    protected Mesh(IReadOnlyDictionary<string, string> gatewaySettings, IReadOnlyDictionary<string, string> exchangeSettings)
    {
        _gatewaySettings = gatewaySettings;
        _exchangeSettings = exchangeSettings;
    }

    public OrganizationServiceHost Organization { get; } = new();

    public InitiativeServiceHost Initiative { get; private set; } = null!;

    public ExchangeServiceHost Exchange { get; private set; } = null!;

    public GatewayHost Gateway { get; private set; } = null!;

    public Member Coordinator { get; private set; } = null!;

    public OrgV1.OrganizationService.OrganizationServiceClient CoordinatorClient => new(Gateway.Grpc(Coordinator.ApiKey));

    public async ValueTask InitializeAsync()
    {
        Organization.StartServer();
        Initiative = new InitiativeServiceHost(Organization.Address);
        Initiative.StartServer();
        Exchange = new ExchangeServiceHost(Organization.Address, Initiative.Address);
        foreach (var (setting, value) in _exchangeSettings)
        {
            Exchange.WithSetting(setting, value);
        }

        Exchange.StartServer();
        Gateway = new GatewayHost(new Dictionary<string, string>
        {
            ["organization"] = Organization.Address,
            ["initiative"] = Initiative.Address,
            ["exchange"] = Exchange.Address,
        });
        foreach (var (setting, value) in _gatewaySettings)
        {
            Gateway.WithSetting(setting, value);
        }

        Gateway.StartServer();
        var (id, key) = await Organization.BootstrapCoordinatorAsync();
        Coordinator = new Member(id, string.Empty, key);
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Exchange.DisposeAsync();
        await Initiative.DisposeAsync();
        await Organization.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Registers an organisation through the gateway as the coordinator, activates it and gives it a key.</summary>
    public async Task<Member> CreateMemberAsync(string name, string country = "KE", bool activate = true,
        OrgV1.OrganizationRole role = OrgV1.OrganizationRole.Member)
    {
        var coordinator = CoordinatorClient;
        var created = await coordinator.CreateOrganizationAsync(new OrgV1.CreateOrganizationRequest
        {
            Organization = new OrgV1.Organization
            {
                Kind = OrgV1.OrganizationKind.Broadcaster,
                Names = { new CommonV1.LocalizedText { Language = "en", Text = name, Original = true } },
                CountryCode = country,
                WorkingLanguages = { "en" },
            },
        });
        var id = created.Organization.Id;
        if (activate)
        {
            await coordinator.ActivateOrganizationAsync(new OrgV1.ActivateOrganizationRequest { Id = id });
        }

        if (role == OrgV1.OrganizationRole.Coordinator)
        {
            await coordinator.SetOrganizationRoleAsync(new OrgV1.SetOrganizationRoleRequest { Id = id, Role = role });
        }

        var key = await coordinator.CreateApiKeyAsync(new OrgV1.CreateApiKeyRequest { OrganizationId = id, DisplayName = "tests" });
        return new Member(id, key.ApiKey.Id, key.Secret);
    }

    /// <summary>A member token signed with the gateway's key, for calls that deliberately bypass the gateway.</summary>
    public static string InternalToken(string organizationId, string role = CallerRoles.Member) => TestKeys.Gateway.Issue(organizationId, role);
}

[CollectionDefinition(nameof(MeshCollection))]
public sealed class MeshCollection : ICollectionFixture<Mesh>;
