using Grpc.Core;
using MediaMesh.Exchange.Persistence;
using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using V1 = MediaMesh.Contracts.Exchange.V1;
using OrgV1 = MediaMesh.Contracts.Organization.V1;
using InitiativeV1 = MediaMesh.Contracts.Initiative.V1;

namespace MediaMesh.Exchange.Tests;

/// <summary>
/// The exchange service in-process. Its organization and initiative clients talk to the given hosts
/// over their in-memory handlers (the rest of the client registration — deadline, token forwarding,
/// retry policy — stays as in production); without a host the address points at a closed local port:
/// the dependency is unreachable.
/// </summary>
public sealed class ExchangeHost : ServiceHost<MediaMesh.Exchange.Grpc.OfferGrpcService>
{
    public const string Unreachable = "http://127.0.0.1:9";

    /// <summary>How often feeds and downloads of test hosts re-check their caller and rights.</summary>
    public static readonly TimeSpan StandingRecheckInterval = TimeSpan.FromMilliseconds(300);

    private readonly OrganizationDependency? _organization;
    private readonly InitiativeDependency? _initiative;
    private readonly TimeProvider? _clock;

    /// <param name="clock">
    /// Replaces the service's TimeProvider (embargo, expiry, licence periods, search "available now");
    /// internal tokens stay on the system clock, as the JWT handlers that check them are.
    /// </param>
    public ExchangeHost(OrganizationDependency? organization, InitiativeDependency? initiative = null, TimeProvider? clock = null)
    {
        _organization = organization;
        _initiative = initiative;
        _clock = clock;
        WithSetting("MediaMesh:Services:organization:Address", organization is null ? Unreachable : "http://localhost");
        WithSetting("MediaMesh:Services:organization:Deadline", "00:00:03");
        WithSetting("MediaMesh:Services:initiative:Address", initiative is null ? Unreachable : "http://localhost");
        WithSetting("MediaMesh:Services:initiative:Deadline", "00:00:03");
        WithSetting("MediaMesh:Exchange:FeedHeartbeatInterval", "00:00:01");
        WithSetting("MediaMesh:Exchange:FeedPollInterval", "00:00:00.500");
        WithSetting("MediaMesh:Exchange:StandingRecheckInterval", StandingRecheckInterval.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
        WithSetting("MediaMesh:Exchange:DownloadRecheckChunks", "4");
        WithSetting("MediaMesh:Media:MaxRenditionBytes", (1L << 30).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Lets a test stop one of the service's database commands (see <see cref="CommandGate"/>).</summary>
    public CommandGate Gate { get; } = new();

    private long _standingCalls;

    /// <summary>How many GetCallerStanding calls the host has made to the organization service so far.</summary>
    public long StandingCalls => Interlocked.Read(ref _standingCalls);

    private sealed class CountingHandler(ExchangeHost host) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri?.AbsolutePath.EndsWith("/GetCallerStanding", StringComparison.Ordinal) == true)
            {
                Interlocked.Increment(ref host._standingCalls);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            if (PostgresConnectionString is null)
            {
                services.ConfigureDbContext<ExchangeDbContext>(options => options.AddInterceptors(Gate));
            }
            else
            {
                services.ConfigureDbContext<PostgresExchangeDbContext>(options => options.AddInterceptors(Gate));
            }
        });
        if (_organization is { } organization)
        {
            builder.ConfigureTestServices(services =>
            {
                services.AddGrpcClient<OrgV1.OrganizationService.OrganizationServiceClient>()
                    .ConfigurePrimaryHttpMessageHandler(() => organization.Server.CreateHandler());
                services.AddGrpcClient<OrgV1.CredentialService.CredentialServiceClient>()
                    .ConfigurePrimaryHttpMessageHandler(() => organization.Server.CreateHandler())
                    .AddHttpMessageHandler(() => new CountingHandler(this));
            });
        }

        if (_clock is { } clock)
        {
            builder.ConfigureTestServices(services =>
            {
                services.AddSingleton(clock);
            });
        }

        if (_initiative is { } initiative)
        {
            builder.ConfigureTestServices(services => services
                .AddGrpcClient<InitiativeV1.InitiativeService.InitiativeServiceClient>()
                .ConfigurePrimaryHttpMessageHandler(() => initiative.Server.CreateHandler()));
        }
    }

    public V1.OfferService.OfferServiceClient Offers(string organizationId, string role = CallerRoles.Member) => new(As(organizationId, role));

    public V1.LicensingService.LicensingServiceClient Licensing(string organizationId, string role = CallerRoles.Member) => new(As(organizationId, role));

    public V1.CatalogueService.CatalogueServiceClient Catalogue(string organizationId) => new(As(organizationId));

    public V1.UsageService.UsageServiceClient Usage(string organizationId, string role = CallerRoles.Member) => new(As(organizationId, role));

    public V1.MediaService.MediaServiceClient Media(string organizationId, string role = CallerRoles.Member) => new(As(organizationId, role));

    public CallInvoker Coordinator => As(OrganizationDependency.CoordinatorId, CallerRoles.Coordinator);
}
