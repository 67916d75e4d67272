using System.Net;
using Google.Rpc;
using Grpc.Core;

namespace MediaMesh.Gateway.Tests;

/// <summary>
/// Every refusal the gateway writes itself, on each of gRPC, gRPC-Web and REST: the right code, the
/// right HTTP status for REST, RetryInfo and retry-after where the caller should come back, and a
/// google.rpc.Status JSON body that a JSON client can parse (details with "@type").
/// </summary>
[Collection(nameof(MeshCollection))]
public sealed class GatewayRefusalTests(Mesh mesh)
{
    private static string ClosedAddress() => $"http://127.0.0.1:{FreePort.Next()}";

    [Theory]
    [InlineData(Protocol.Grpc)]
    [InlineData(Protocol.GrpcWeb)]
    [InlineData(Protocol.Rest)]
    public async Task Over_the_rate_limit_is_resource_exhausted_429_with_retry_info_and_retry_after(Protocol protocol)
    {
        var member = await mesh.CreateMemberAsync("Radio Limited " + protocol, "NG");
        await using var gateway = LimitedGateway(burst: 1);
        using (var first = await gateway.Rest(member.ApiKey).GetAsync($"/v1/organizations/{member.OrganizationId}"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var refused = await GatewayRefusals.GetOrganization(gateway, protocol, member.ApiKey, member.OrganizationId);

        Assert.Equal(StatusCode.ResourceExhausted, refused.Code);
        Assert.Equal(protocol == Protocol.Rest ? HttpStatusCode.TooManyRequests : null, refused.HttpStatus);
        var retry = refused.Detail<RetryInfo>();
        Assert.NotNull(retry);
        Assert.True(retry.RetryDelay.ToTimeSpan() > TimeSpan.FromMinutes(5), $"retry after {retry.RetryDelay}");
        Assert.NotNull(refused.RetryAfter);
        Assert.True(int.Parse(refused.RetryAfter, System.Globalization.CultureInfo.InvariantCulture) >= 300, refused.RetryAfter);
    }

    [Fact]
    public async Task Many_parallel_rest_calls_over_the_limit_are_each_429_never_500()
    {
        var member = await mesh.CreateMemberAsync("Radio Flood", "GH");
        await using var gateway = LimitedGateway(burst: 5);
        using var http = gateway.Rest(member.ApiKey);

        var responses = await Task.WhenAll(Enumerable.Range(0, 120).Select(_ => http.GetAsync($"/v1/organizations/{member.OrganizationId}")));
        try
        {
            var statuses = responses.GroupBy(r => (int)r.StatusCode).ToDictionary(g => g.Key, g => g.Count());
            Assert.True(statuses.Keys.All(s => s is 200 or 429), string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}")));
            Assert.Equal(5, statuses.GetValueOrDefault(200));
            foreach (var response in responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests))
            {
                var refused = await GatewayRefusals.ReadRestAsync(response);
                Assert.Equal(StatusCode.ResourceExhausted, refused.Code);
                Assert.NotNull(refused.RetryAfter);
                Assert.NotNull(refused.Detail<RetryInfo>());
            }
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [Theory]
    [InlineData(Protocol.Grpc)]
    [InlineData(Protocol.GrpcWeb)]
    [InlineData(Protocol.Rest)]
    public async Task No_key_is_unauthenticated_401(Protocol protocol)
    {
        var refused = await GatewayRefusals.GetOrganization(mesh.Gateway, protocol, null, mesh.Coordinator.OrganizationId);

        Assert.Equal(StatusCode.Unauthenticated, refused.Code);
        Assert.Equal(protocol == Protocol.Rest ? HttpStatusCode.Unauthorized : null, refused.HttpStatus);
    }

    [Theory]
    [InlineData(Protocol.Grpc)]
    [InlineData(Protocol.GrpcWeb)]
    [InlineData(Protocol.Rest)]
    public async Task A_pending_organisations_key_is_permission_denied_403(Protocol protocol)
    {
        var pending = await mesh.CreateMemberAsync("Radio Waiting " + protocol, "GH", activate: false);

        var refused = await GatewayRefusals.GetOrganization(mesh.Gateway, protocol, pending.ApiKey, pending.OrganizationId);

        Assert.Equal(StatusCode.PermissionDenied, refused.Code);
        Assert.Equal(protocol == Protocol.Rest ? HttpStatusCode.Forbidden : null, refused.HttpStatus);
    }

    [Theory]
    [InlineData(Protocol.Grpc)]
    [InlineData(Protocol.GrpcWeb)]
    [InlineData(Protocol.Rest)]
    public async Task A_backend_that_is_not_running_is_unavailable_503_with_retry_info(Protocol protocol)
    {
        // The initiative cluster points at a closed port; keys resolve at the real organization service.
        await using var gateway = new GatewayHost(new Dictionary<string, string> { ["organization"] = mesh.Organization.Address });

        var refused = await GatewayRefusals.GetInitiative(gateway, protocol, mesh.Coordinator.ApiKey, "ini_x");

        AssertRetryableUnavailable(protocol, refused);
    }

    [Theory]
    [InlineData(Protocol.Grpc)]
    [InlineData(Protocol.GrpcWeb)]
    [InlineData(Protocol.Rest)]
    public async Task A_key_that_cannot_be_checked_is_unavailable_503_with_retry_info(Protocol protocol)
    {
        await using var gateway = new GatewayHost(new Dictionary<string, string> { ["organization"] = ClosedAddress() });

        var refused = await GatewayRefusals.GetOrganization(gateway, protocol, mesh.Coordinator.ApiKey, mesh.Coordinator.OrganizationId);

        AssertRetryableUnavailable(protocol, refused);
    }

    [Theory]
    [InlineData(Protocol.Grpc)]
    [InlineData(Protocol.GrpcWeb)]
    [InlineData(Protocol.Rest)]
    public async Task A_unary_call_over_the_gateways_limit_is_deadline_exceeded_504(Protocol protocol)
    {
        await using var stalled = await StalledBackend.StartAsync();
        await using var gateway = new GatewayHost(new Dictionary<string, string> { ["organization"] = mesh.Organization.Address })
            .WithSetting("ReverseProxy:Clusters:initiative:Destinations:initiative-1:Address", stalled.Address)
            .WithSetting("MediaMesh:Gateway:UnaryCallTimeout", "00:00:01");

        var refused = await GatewayRefusals.GetInitiative(gateway, protocol, mesh.Coordinator.ApiKey, "ini_x");

        Assert.Equal(StatusCode.DeadlineExceeded, refused.Code);
        Assert.Equal(protocol == Protocol.Rest ? HttpStatusCode.GatewayTimeout : null, refused.HttpStatus);
    }

    [Theory]
    [InlineData(Protocol.Grpc)]
    [InlineData(Protocol.GrpcWeb)]
    public async Task An_unknown_service_is_unimplemented(Protocol protocol)
    {
        var invoker = protocol == Protocol.Grpc ? mesh.Gateway.Grpc(mesh.Coordinator.ApiKey) : mesh.Gateway.GrpcWeb(mesh.Coordinator.ApiKey);
        var method = new Method<byte[], byte[]>(MethodType.Unary, "mediamesh.nothing.v1.NoService", "Nope", Bytes, Bytes);

        var refused = await GatewayRefusals.Observe(mesh.Gateway, protocol, mesh.Coordinator.ApiKey, string.Empty,
            _ => invoker.AsyncUnaryCall(method, null, default, [1, 2, 3]).ResponseAsync);

        Assert.Equal(StatusCode.Unimplemented, refused.Code);
    }

    [Fact]
    public async Task An_unknown_rest_path_is_404_with_a_status_body()
    {
        using var http = mesh.Gateway.Rest(mesh.Coordinator.ApiKey);
        using var response = await http.GetAsync("/v1/nothingHere/x");

        var refused = await GatewayRefusals.ReadRestAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, refused.HttpStatus);
        Assert.Equal(StatusCode.NotFound, refused.Code);
    }

    private static readonly Marshaller<byte[]> Bytes = new(b => b, b => b);

    private GatewayHost LimitedGateway(int burst) =>
        new GatewayHost(new Dictionary<string, string> { ["organization"] = mesh.Organization.Address })
            .WithSetting("MediaMesh:Gateway:RateLimit:BurstLimit", burst.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithSetting("MediaMesh:Gateway:RateLimit:TokensPerPeriod", "1")
            .WithSetting("MediaMesh:Gateway:RateLimit:ReplenishmentPeriod", "00:10:00");

    private static void AssertRetryableUnavailable(Protocol protocol, ObservedRefusal refused)
    {
        Assert.Equal(StatusCode.Unavailable, refused.Code);
        Assert.Equal(protocol == Protocol.Rest ? HttpStatusCode.ServiceUnavailable : null, refused.HttpStatus);
        Assert.NotNull(refused.Detail<RetryInfo>());
        Assert.NotNull(refused.RetryAfter);
    }
}
