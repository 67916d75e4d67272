using Grpc.Net.ClientFactory;
using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using V1 = MediaMesh.Contracts.Initiative.V1;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Initiative.Tests;

/// <summary>
/// The initiative service in-process, calling the organization service at a given address. When the
/// organization service runs on the in-memory test server, its handler replaces the organization
/// client's primary HTTP handler; everything else of the client registration (deadline, token
/// forwarding, retry policy) stays as in production.
/// </summary>
public sealed class InitiativeServiceHost : ServiceHost<Initiatives.Grpc.InitiativeGrpcService>
{
    private readonly Func<HttpMessageHandler>? _organizationHandler;
    private readonly List<Action<IServiceCollection>> _testServices = [];

    public InitiativeServiceHost(Uri organizationAddress, Func<HttpMessageHandler>? organizationHandler = null, TimeSpan? organizationDeadline = null)
    {
        _organizationHandler = organizationHandler;
        WithSetting("Logging:LogLevel:Default", "Warning");
        WithSetting("MediaMesh:Services:organization:Address", organizationAddress.ToString());
        if (organizationDeadline is { } deadline)
        {
            WithSetting("MediaMesh:Services:organization:Deadline", deadline.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Adds services of a test's own (observers) before the host starts.</summary>
    public InitiativeServiceHost WithTestServices(Action<IServiceCollection> configure)
    {
        _testServices.Add(configure);
        return this;
    }

    public V1.InitiativeService.InitiativeServiceClient ClientAs(string organizationId, string role = CallerRoles.Member) => new(As(organizationId, role));

    public V1.InitiativeService.InitiativeServiceClient Coordinator => ClientAs(OrganizationServiceHost.CoordinatorId, CallerRoles.Coordinator);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (_organizationHandler is { } handler)
        {
            builder.ConfigureTestServices(services =>
                services.AddGrpcClient<OrgV1.OrganizationService.OrganizationServiceClient>(_ => { }).ConfigurePrimaryHttpMessageHandler(handler));
        }

        foreach (var configure in _testServices)
        {
            builder.ConfigureTestServices(configure);
        }
    }
}
