using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Client.Tests;

/// <summary>
/// The SDK's one retry layer against a scripted server: which calls are retried on which codes,
/// the server's RetryInfo honoured, and a deadline on every unary call.
/// </summary>
public sealed class RetryPolicyTests
{
    private sealed class ScriptedServer(params Func<HttpResponseMessage>[] answers) : HttpMessageHandler
    {
        public List<(DateTime At, HttpRequestMessage Request)> Calls { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Calls)
            {
                Calls.Add((DateTime.UtcNow, request));
                return Task.FromResult(answers[Math.Min(Calls.Count - 1, answers.Length - 1)]());
            }
        }
    }

    private static HttpResponseMessage Refusal(Grpc.Core.StatusCode code, TimeSpan? retryDelay = null)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Version = HttpVersion.Version20, Content = new ByteArrayContent([]) };
        response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        response.Headers.Add("grpc-status", ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture));
        response.Headers.Add("grpc-message", "try later");
        if (retryDelay is { } delay)
        {
            var status = new Google.Rpc.Status { Code = (int)code, Message = "try later", Details = { Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(delay) }) } };
            response.Headers.Add("grpc-status-details-bin", Convert.ToBase64String(status.ToByteArray()));
        }

        return response;
    }

    private static HttpResponseMessage Ok(IMessage message)
    {
        var payload = message.ToByteArray();
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Version = HttpVersion.Version20, Content = new ByteArrayContent(frame) };
        response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        response.TrailingHeaders.Add("grpc-status", "0");
        return response;
    }

    private static MediaMeshClient Client(ScriptedServer server, int attempts = 3) => MediaMeshClient.Create(new MediaMeshClientOptions
    {
        GatewayAddress = new Uri("http://mediamesh.test"),
        ApiKey = "mmk_test",
        HttpHandler = server,
        MaxAttempts = attempts,
        InitialBackoff = TimeSpan.FromMilliseconds(10),
        MaxBackoff = TimeSpan.FromMilliseconds(20),
    });

    [Fact]
    public async Task A_read_refused_by_the_rate_limit_waits_as_long_as_the_server_asked_then_succeeds()
    {
        var server = new ScriptedServer(() => Refusal(Grpc.Core.StatusCode.ResourceExhausted, TimeSpan.FromMilliseconds(600)),
            () => Ok(new ListOrganizationsResponse()));
        using var client = Client(server);
        var clock = Stopwatch.StartNew();
        await client.Organizations.ListOrganizationsAsync(new ListOrganizationsRequest());
        Assert.Equal(2, server.Calls.Count);
        // The policy's own back-off is 10-20 ms: the gap comes from the server's RetryInfo.
        Assert.True(server.Calls[1].At - server.Calls[0].At >= TimeSpan.FromMilliseconds(550), $"retried after {(server.Calls[1].At - server.Calls[0].At).TotalMilliseconds} ms");
        Assert.Equal("Bearer mmk_test", server.Calls[0].Request.Headers.Authorization?.ToString());
    }

    [Fact]
    public async Task A_read_refused_as_unavailable_is_retried_up_to_the_attempt_limit()
    {
        var server = new ScriptedServer(() => Refusal(Grpc.Core.StatusCode.Unavailable));
        using var client = Client(server, attempts: 3);
        var error = await Assert.ThrowsAsync<MediaMeshException>(() => client.Organizations.GetOrganizationAsync(new GetOrganizationRequest { Id = "org_x" }).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(3, server.Calls.Count);
    }

    [Fact]
    public async Task One_attempt_turns_retries_off_for_reads_and_rate_limited_writes()
    {
        var server = new ScriptedServer(() => Refusal(Grpc.Core.StatusCode.Unavailable), () => Refusal(Grpc.Core.StatusCode.ResourceExhausted),
            () => Ok(new ListOrganizationsResponse()));
        using var client = Client(server, attempts: 1);
        var read = await Assert.ThrowsAsync<MediaMeshException>(() => client.Organizations.GetOrganizationAsync(new GetOrganizationRequest { Id = "org_x" }).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.Unavailable, read.StatusCode);
        Assert.Single(server.Calls);
        var write = await Assert.ThrowsAsync<MediaMeshException>(() => client.Organizations.CreateOrganizationAsync(new CreateOrganizationRequest()).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.ResourceExhausted, write.StatusCode);
        Assert.Equal(2, server.Calls.Count);
    }

    [Fact]
    public async Task A_write_refused_as_unavailable_is_never_repeated_but_a_rate_limited_write_is()
    {
        var unavailable = new ScriptedServer(() => Refusal(Grpc.Core.StatusCode.Unavailable, TimeSpan.FromSeconds(1)));
        using (var client = Client(unavailable))
        {
            var error = await Assert.ThrowsAsync<MediaMeshException>(() => client.Organizations.CreateOrganizationAsync(new CreateOrganizationRequest()).ResponseAsync);
            Assert.Equal(Grpc.Core.StatusCode.Unavailable, error.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(1), error.RetryDelay);
            Assert.Single(unavailable.Calls);
        }

        // The gateway refuses over the limit before forwarding, so nothing was written: safe to send again.
        var limited = new ScriptedServer(() => Refusal(Grpc.Core.StatusCode.ResourceExhausted, TimeSpan.FromMilliseconds(50)),
            () => Ok(new CreateOrganizationResponse()));
        using (var client = Client(limited))
        {
            await client.Organizations.CreateOrganizationAsync(new CreateOrganizationRequest());
            Assert.Equal(2, limited.Calls.Count);
        }
    }

    [Fact]
    public async Task Every_unary_call_carries_a_deadline_by_default()
    {
        var server = new ScriptedServer(() => Ok(new ListOrganizationsResponse()));
        using var client = Client(server);
        await client.Organizations.ListOrganizationsAsync(new ListOrganizationsRequest());
        Assert.True(server.Calls[0].Request.Headers.TryGetValues("grpc-timeout", out var timeout), "no grpc-timeout header");
        Assert.NotEmpty(timeout.Single());
    }
}
