extern alias gateway;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using GatewayProgram = gateway::Program;

namespace MediaMesh.Gateway.Tests;

/// <summary>
/// The gateway on two real loopback ports (h2c for gRPC, HTTP/1.1 for REST and gRPC-Web), its
/// clusters pointing at the in-process services. Unlisted clusters point at a closed port.
/// </summary>
public sealed class GatewayHost : WebApplicationFactory<GatewayProgram>
{
    private readonly Dictionary<string, string?> _settings = new(StringComparer.OrdinalIgnoreCase);

    public GatewayHost(IReadOnlyDictionary<string, string> clusterAddresses)
    {
        GrpcPort = FreePort.Next();
        WebPort = FreePort.Next();
        var closed = $"http://127.0.0.1:{FreePort.Next()}";
        _settings["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{GrpcPort}";
        _settings["Kestrel:Endpoints:Web:Url"] = $"http://127.0.0.1:{WebPort}";
        // The gateway's own private key: only the gateway holds it.
        _settings["MediaMesh:InternalToken:PrivateKey"] = TestKeys.PrivateKey(InternalTokenNames.Gateway);
        _settings["MediaMesh:Gateway:KeyCacheTime"] = "00:00:02";
        // Every test call comes from 127.0.0.1; the tests of the refusal limit set their own.
        _settings["MediaMesh:Gateway:RefusalLimit:BurstLimit"] = "1000000";
        // The shared mesh's coordinator registers the members of every test class running at once; the
        // tests of the token bucket set their own.
        _settings["MediaMesh:Gateway:RateLimit:BurstLimit"] = "1000000";
        _settings["MediaMesh:Gateway:RateLimit:TokensPerPeriod"] = "1000000";
        _settings["Logging:LogLevel:Yarp"] = "Error";
        _settings["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning";
        foreach (var cluster in new[] { "organization", "initiative", "exchange" })
        {
            var address = clusterAddresses.TryGetValue(cluster, out var a) ? a : closed;
            _settings[$"ReverseProxy:Clusters:{cluster}:Destinations:{cluster}-1:Address"] = address;
            _settings[$"ReverseProxy:Clusters:{cluster}:HealthCheck:Active:Interval"] = "00:00:01";
            _settings[$"ReverseProxy:Clusters:{cluster}:HealthCheck:Passive:ReactivationPeriod"] = "00:00:02";
        }

        _settings["MediaMesh:Services:organization:Address"] = clusterAddresses["organization"];
        UseKestrel();
    }

    public int GrpcPort { get; }

    public int WebPort { get; }

    public GatewayHost WithSetting(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>A gRPC (h2c) call invoker through the gateway presenting <paramref name="apiKey"/> (none if null).</summary>
    public CallInvoker Grpc(string? apiKey)
    {
        EnsureStarted();
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{GrpcPort}", new GrpcChannelOptions { MaxReceiveMessageSize = null });
        return WithKey(channel.CreateCallInvoker(), apiKey);
    }

    /// <summary>A gRPC-Web call invoker over HTTP/1.1, as a browser would call.</summary>
    public CallInvoker GrpcWeb(string? apiKey)
    {
        EnsureStarted();
        var handler = new GrpcWebHandler(GrpcWebMode.GrpcWeb, new HttpClientHandler());
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{WebPort}", new GrpcChannelOptions
        {
            HttpHandler = handler,
            HttpVersion = System.Net.HttpVersion.Version11,
            HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        });
        return WithKey(channel.CreateCallInvoker(), apiKey);
    }

    /// <summary>An HTTP/1.1 client for the REST (JSON transcoding) surface.</summary>
    public HttpClient Rest(string? apiKey)
    {
        EnsureStarted();
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{WebPort}") };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }

    public void EnsureStarted() => StartServer();

    private static CallInvoker WithKey(CallInvoker invoker, string? apiKey) =>
        apiKey is null ? invoker : invoker.Intercept(headers =>
        {
            headers.Add("authorization", "Bearer " + apiKey);
            return headers;
        });
}
