using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.TestSupport;

/// <summary>
/// A real gRPC server on a loopback port (Kestrel, HTTP/2) implementing the organization service by
/// answering every GetOrganization and BatchGetOrganizations call with a chosen status: for tests of
/// what a caller is told when the organization service refuses in a way that is not about its call. It answers
/// <c>/health/ready</c> too (ready unless told otherwise), as a real replica does.
/// </summary>
public sealed class AnsweringOrganizationService : IAsyncDisposable
{
    private readonly WebApplication _app;

    private readonly Holder _holder;

    private AnsweringOrganizationService(WebApplication app, Uri address, Holder holder)
    {
        _app = app;
        Address = address;
        _holder = holder;
    }

    public Uri Address { get; }

    public static async Task<AnsweringOrganizationService> StartAsync(Status answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        var holder = new Holder { Answer = answer };
        builder.Services.AddSingleton(holder);
        var app = builder.Build();
        app.MapGrpcService<Answering>();
        // The readiness the callers' replica probes ask (MediaMesh.ServiceDefaults.Extensions.ReadinessPath).
        app.MapGet("/health/ready", (Holder h) => h.Ready ? Results.Ok() : Results.StatusCode(StatusCodes.Status503ServiceUnavailable));
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new AnsweringOrganizationService(app, address, holder);
    }

    /// <summary>Sets the status the next calls get.</summary>
    public void AnswerWith(Status status) => _holder.Answer = status;

    /// <summary>Sets what <c>/health/ready</c> answers: 200, or 503 when not ready.</summary>
    public void SetReady(bool ready) => _holder.Ready = ready;

    /// <summary>Makes every call wait this long before its answer (a replica just restarted, or overloaded).</summary>
    public void AnswerAfter(TimeSpan delay) => _holder.Delay = delay;

    /// <summary>Calls received so far (each attempt of a hedged call counts).</summary>
    public int Calls => _holder.Calls;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class Holder
    {
        private int _calls;

        public Status Answer { get; set; }

        public bool Ready { get; set; } = true;

        public TimeSpan Delay { get; set; }

        public int Calls => Volatile.Read(ref _calls);

        public async Task<T> AnswerAsync<T>(ServerCallContext context)
        {
            Interlocked.Increment(ref _calls);
            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay, context.CancellationToken);
            }

            throw new RpcException(Answer);
        }
    }

    private sealed class Answering(Holder holder) : OrgV1.OrganizationService.OrganizationServiceBase
    {
        public override Task<OrgV1.GetOrganizationResponse> GetOrganization(OrgV1.GetOrganizationRequest request, ServerCallContext context) =>
            holder.AnswerAsync<OrgV1.GetOrganizationResponse>(context);

        public override Task<OrgV1.BatchGetOrganizationsResponse> BatchGetOrganizations(OrgV1.BatchGetOrganizationsRequest request, ServerCallContext context) =>
            holder.AnswerAsync<OrgV1.BatchGetOrganizationsResponse>(context);
    }
}
