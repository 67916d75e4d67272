using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;
using OrgV1 = MediaMesh.Contracts.Organization.V1;
using V1 = MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Gateway.Tests;

/// <summary>
/// A caller's own deadline (grpc-timeout) running out at the service, and a service answering
/// before it has read the request: the gateway passes the service's status through (or answers
/// DEADLINE_EXCEEDED itself once the deadline has passed), never UNAVAILABLE, never a bare reset,
/// and never counts such a call against the backend's passive health.
/// </summary>
[Collection(nameof(MeshCollection))]
public sealed class CallerDeadlineTests(Mesh mesh)
{
    private const string Upload = "/mediamesh.exchange.v1.MediaService/UploadRendition";

    [Fact]
    public async Task Uploads_whose_30_ms_deadline_runs_out_at_the_service_end_with_deadline_exceeded()
    {
        var (owner, renditions) = await RenditionsAsync("Radio Deadline Upload", 8);

        var outcomes = await Task.WhenAll(renditions.Select(id => TimedOutUploadAsync(owner, id)));

        Assert.All(outcomes, o => Assert.True(o.GrpcStatus == "4", o.ToString()));
    }

    [Fact]
    public async Task Uploads_by_a_grpc_dotnet_client_with_a_30_ms_deadline_are_deadline_exceeded()
    {
        var (owner, renditions) = await RenditionsAsync("Radio Deadline Client", 6);
        var media = new ExchangeClients(mesh.Gateway, owner).Media;

        foreach (var renditionId in renditions)
        {
            using var call = media.UploadRendition(deadline: DateTime.UtcNow.AddMilliseconds(30));
            var ended = await Assert.ThrowsAsync<RpcException>(async () =>
            {
                await call.RequestStream.WriteAsync(new V1.UploadRenditionRequest { Target = new V1.UploadTarget { RenditionId = renditionId } });
                for (var chunk = 0; chunk < 400; chunk++)
                {
                    await Task.Delay(5);
                    await call.RequestStream.WriteAsync(new V1.UploadRenditionRequest { Data = ByteString.CopyFrom(new byte[16 * 1024]) });
                }

                await call.ResponseAsync;
            });
            Assert.Equal(StatusCode.DeadlineExceeded, ended.StatusCode);
        }
    }

    [Fact]
    public async Task Unary_calls_with_a_1_ms_deadline_are_deadline_exceeded_or_answered_never_unavailable()
    {
        var member = await mesh.CreateMemberAsync("Radio Deadline Unary", "KE");
        var body = RawGrpcCall.Frame(new OrgV1.ListOrganizationsRequest { PageSize = 200 });

        var outcomes = new List<RawGrpcCall.Outcome>();
        for (var batch = 0; batch < 6; batch++)
        {
            outcomes.AddRange(await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => RawGrpcCall.SendAsync(mesh.Gateway.GrpcPort,
                "/mediamesh.organization.v1.OrganizationService/ListOrganizations", member.ApiKey, "1m", new ByteArrayContent(body)))));
        }

        Assert.All(outcomes, o => Assert.True(o.GrpcStatus is "0" or "4", o.ToString()));
    }

    [Fact]
    public async Task Grpc_web_calls_the_service_refuses_before_reading_their_body_keep_the_services_status()
    {
        var invoker = mesh.Gateway.GrpcWeb(mesh.Coordinator.ApiKey);
        var bytes = new Marshaller<byte[]>(b => b, b => b);
        var method = new Method<byte[], byte[]>(MethodType.Unary, "mediamesh.organization.v1.OrganizationService", "NoSuchMethod", bytes, bytes);
        var large = new byte[512 * 1024];

        var codes = new List<StatusCode>();
        for (var batch = 0; batch < 5; batch++)
        {
            codes.AddRange(await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
            {
                var refused = await Assert.ThrowsAsync<RpcException>(() => invoker.AsyncUnaryCall(method, null, default, large).ResponseAsync);
                return refused.StatusCode;
            })));
        }

        Assert.All(codes, code => Assert.Equal(StatusCode.Unimplemented, code));
    }

    [Fact]
    public async Task Twenty_timed_out_uploads_leave_the_backend_in_rotation()
    {
        var (owner, renditions) = await RenditionsAsync("Radio Deadline Health", 20);
        // A gateway of its own with the production passive-health settings (60 s out of rotation).
        await using var gateway = new GatewayHost(new Dictionary<string, string>
            {
                ["organization"] = mesh.Organization.Address,
                ["initiative"] = mesh.Initiative.Address,
                ["exchange"] = mesh.Exchange.Address,
            })
            .WithSetting("ReverseProxy:Clusters:exchange:HealthCheck:Passive:ReactivationPeriod", "00:01:00")
            .WithSetting("ReverseProxy:Clusters:exchange:HealthCheck:Active:Interval", "00:01:00");
        gateway.EnsureStarted();

        for (var batch = 0; batch < 4; batch++)
        {
            var outcomes = await Task.WhenAll(renditions.Skip(batch * 5).Take(5).Select(id => TimedOutUploadAsync(owner, id, gateway)));
            Assert.All(outcomes, o => Assert.True(o.GrpcStatus == "4", o.ToString()));
        }

        var exchange = gateway.Services.GetRequiredService<IProxyStateLookup>().TryGetCluster("exchange", out var cluster) ? cluster : null;
        Assert.NotNull(exchange);
        var destination = Assert.Single(exchange.Destinations.Values);
        Assert.NotEqual(DestinationHealth.Unhealthy, destination.Health.Passive);
        var rendition = await new ExchangeClients(gateway, owner).Media.GetRenditionAsync(new V1.GetRenditionRequest { Id = renditions[0] });
        Assert.Equal(renditions[0], rendition.Rendition.Id);
    }

    private Task<RawGrpcCall.Outcome> TimedOutUploadAsync(Member owner, string renditionId, GatewayHost? gateway = null)
    {
        var target = RawGrpcCall.Frame(new V1.UploadRenditionRequest { Target = new V1.UploadTarget { RenditionId = renditionId } });
        var chunk = RawGrpcCall.Frame(new V1.UploadRenditionRequest { Data = ByteString.CopyFrom(new byte[16 * 1024]) });
        return RawGrpcCall.SendAsync((gateway ?? mesh.Gateway).GrpcPort, Upload, owner.ApiKey, "30m",
            new RawGrpcCall.TricklingBody(target, () => chunk, TimeSpan.FromSeconds(5)));
    }

    /// <summary>A member and <paramref name="count"/> declared (large, never completed) renditions of its draft, one per concurrent upload.</summary>
    private async Task<(Member Owner, IReadOnlyList<string> RenditionIds)> RenditionsAsync(string name, int count)
    {
        var owner = await mesh.CreateMemberAsync(name, "KE");
        var exchange = new ExchangeClients(mesh.Gateway, owner);
        var draft = await exchange.CreateDraftAsync(ExchangeClients.UniqueSubject());
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var rendition = (await exchange.Media.CreateRenditionAsync(new V1.CreateRenditionRequest
            {
                Rendition = new V1.Rendition
                {
                    OfferId = draft.Id, Kind = V1.RenditionKind.BroadcastMaster, FileName = $"master-{i}.mxf", MimeType = "application/mxf",
                    SizeBytes = 1L << 30, Sha256 = new string('a', 64),
                },
            })).Rendition;
            ids.Add(rendition.Id);
        }

        return (owner, ids);
    }
}
