using System.Collections.Concurrent;
using System.Net;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OrgV1 = MediaMesh.Contracts.Organization.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;

namespace MediaMesh.Initiative.Tests;

/// <summary>
/// The real organization service in-process. Both service projects have a top-level Program class,
/// so the host names its assembly by another public type of it. <see cref="StartOnLoopback"/> runs it
/// on Kestrel (a real HTTP/2 port) for the tests where the network path matters.
/// </summary>
public sealed class OrganizationServiceHost : ServiceHost<Organizations.Grpc.OrganizationGrpcService>
{
    public const string CoordinatorId = "org_test_coordinator";

    private Uri? _loopbackAddress;

    public OrganizationServiceHost() => WithSetting("Logging:LogLevel:Default", "Warning");

    public static OrganizationServiceHost StartOnLoopback()
    {
        var host = new OrganizationServiceHost();
        host.UseKestrel(o => o.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        host.StartServer();
        var addresses = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        host._loopbackAddress = new Uri(addresses.Addresses.First());
        return host;
    }

    /// <summary>The W3C traceparent header of every BatchGetOrganizations call this service received.</summary>
    public ConcurrentQueue<string> ReceivedTraceparents { get; } = new();

    /// <summary>Where the initiative service should call: the Kestrel address, or the in-memory server's.</summary>
    public Uri Address => _loopbackAddress ?? Server.BaseAddress;

    public OrgV1.OrganizationService.OrganizationServiceClient Coordinator => new(Invoker(CoordinatorId, CallerRoles.Coordinator));

    public OrgV1.OrganizationService.OrganizationServiceClient ClientAs(string organizationId, string role = CallerRoles.Member) => new(Invoker(organizationId, role));

    public CallInvoker Invoker(string organizationId, string role)
    {
        var channel = _loopbackAddress is null ? CreateChannel() : GrpcChannel.ForAddress(_loopbackAddress);
        var token = IssueToken(organizationId, role);
        return channel.CreateCallInvoker().Intercept(headers =>
        {
            headers.Add("authorization", "Bearer " + token);
            return headers;
        });
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter>(new TraceparentRecorder(ReceivedTraceparents)));
    }

    public async Task<OrgV1.Organization> CreateAsync(string name, string country, OrgV1.OrganizationKind kind = OrgV1.OrganizationKind.Broadcaster)
    {
        var request = new OrgV1.CreateOrganizationRequest
        {
            Organization = new OrgV1.Organization
            {
                Kind = kind,
                Names = { new CommonV1.LocalizedText { Language = "en", Text = name, Original = true } },
                CountryCode = country,
                WorkingLanguages = { "en" },
            },
        };
        return (await Coordinator.CreateOrganizationAsync(request)).Organization;
    }

    /// <summary>Registers and activates an organisation; returns its id.</summary>
    public async Task<string> CreateActiveAsync(string country = "KE", OrgV1.OrganizationKind kind = OrgV1.OrganizationKind.Broadcaster)
    {
        var created = await CreateAsync($"Broadcaster {Guid.NewGuid():N}", country, kind);
        await Coordinator.ActivateOrganizationAsync(new OrgV1.ActivateOrganizationRequest { Id = created.Id });
        return created.Id;
    }

    public async Task<string> CreatePendingAsync(string country = "KE") => (await CreateAsync($"Pending {Guid.NewGuid():N}", country)).Id;

    public async Task<string> CreateSuspendedAsync(string country = "KE")
    {
        var id = await CreateActiveAsync(country);
        await Coordinator.SuspendOrganizationAsync(new OrgV1.SuspendOrganizationRequest { Id = id, Reason = "dues unpaid" });
        return id;
    }

    /// <summary>Makes <paramref name="memberId"/> an approved member of <paramref name="unionId"/>, as the member and the union would.</summary>
    public async Task JoinUnionAsync(string memberId, string unionId)
    {
        var requested = await ClientAs(memberId).RequestUnionMembershipAsync(new OrgV1.RequestUnionMembershipRequest { UnionId = unionId, MemberId = memberId });
        await ClientAs(unionId).ApproveUnionMembershipAsync(new OrgV1.ApproveUnionMembershipRequest { Id = requested.Membership.Id });
    }
}

/// <summary>Records incoming traceparent headers of batch look-ups, ahead of the service's own pipeline.</summary>
internal sealed class TraceparentRecorder(ConcurrentQueue<string> received) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, proceed) =>
        {
            if (context.Request.Path.Value?.EndsWith("/BatchGetOrganizations", StringComparison.Ordinal) == true)
            {
                received.Enqueue(context.Request.Headers["traceparent"].ToString());
            }

            await proceed(context);
        });
        next(app);
    };
}
