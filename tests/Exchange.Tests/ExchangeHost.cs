using Grpc.Core;
using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using V1 = MediaMesh.Contracts.Exchange.V1;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Exchange.Tests;

/// <summary>
/// The exchange service in-process. Its organization client talks to <paramref name="organization"/>
/// over that host's in-memory handler; without one (and for the initiative service, until it is part
/// of the build) the address points at a closed local port: the dependency is unreachable.
/// </summary>
public sealed class ExchangeHost : ServiceHost<MediaMesh.Exchange.Grpc.OfferGrpcService>
{
    public const string Unreachable = "http://127.0.0.1:9";

    private readonly OrganizationDependency? _organization;

    public ExchangeHost(OrganizationDependency? organization)
    {
        _organization = organization;
        WithSetting("MediaMesh:Services:organization:Address", organization is null ? Unreachable : "http://localhost");
        WithSetting("MediaMesh:Services:organization:Deadline", "00:00:03");
        WithSetting("MediaMesh:Services:initiative:Address", Unreachable);
        WithSetting("MediaMesh:Services:initiative:Deadline", "00:00:03");
        WithSetting("MediaMesh:Exchange:FeedHeartbeatInterval", "00:00:01");
        WithSetting("MediaMesh:Exchange:FeedPollInterval", "00:00:00.500");
        WithSetting("MediaMesh:Media:MaxRenditionBytes", (1L << 30).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (_organization is { } organization)
        {
            builder.ConfigureTestServices(services => services
                .AddGrpcClient<OrgV1.OrganizationService.OrganizationServiceClient>()
                .ConfigurePrimaryHttpMessageHandler(() => organization.Server.CreateHandler()));
        }
    }

    public V1.OfferService.OfferServiceClient Offers(string organizationId, string role = CallerRoles.Member) => new(As(organizationId, role));

    public V1.LicensingService.LicensingServiceClient Licensing(string organizationId, string role = CallerRoles.Member) => new(As(organizationId, role));

    public V1.CatalogueService.CatalogueServiceClient Catalogue(string organizationId) => new(As(organizationId));

    public V1.UsageService.UsageServiceClient Usage(string organizationId, string role = CallerRoles.Member) => new(As(organizationId, role));

    public V1.MediaService.MediaServiceClient Media(string organizationId, string role = CallerRoles.Member) => new(As(organizationId, role));

    public CallInvoker Coordinator => As(OrganizationDependency.CoordinatorId, CallerRoles.Coordinator);
}
