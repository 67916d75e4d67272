using Microsoft.AspNetCore.Server.Kestrel.Core;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

// Usage: MediaMesh.PlainYarp --port P --organization URL --initiative URL --exchange URL
//        MediaMesh.PlainYarp --port P --trivial   (answers every call with an empty OK message)
var settings = new ConfigurationBuilder().AddCommandLine(args).Build();
var port = int.Parse(settings["port"] ?? throw new ArgumentException("--port is required"), System.Globalization.CultureInfo.InvariantCulture);
var trivial = settings["trivial"] is not null;

// As YARP's getting-started app: the default builder (console logging at Warning, as the
// benchmark gives the gateway), the proxy, nothing else.
var builder = WebApplication.CreateBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenLocalhost(port, listen => listen.Protocols = HttpProtocols.Http2));
if (!trivial)
{
    builder.Services.AddReverseProxy().LoadFromMemory(Routes(), Clusters(settings));
}

var app = builder.Build();
if (trivial)
{
    // An empty protobuf message in one gRPC frame, then grpc-status 0 in the trailers.
    var frame = new byte[5];
    app.Run(async context =>
    {
        context.Response.ContentType = "application/grpc";
        await context.Response.Body.WriteAsync(frame);
        context.Response.AppendTrailer("grpc-status", "0");
    });
}
else
{
    app.MapReverseProxy();
}

await app.RunAsync();

static RouteConfig[] Routes() =>
[
    new() { RouteId = "initiative", ClusterId = "initiative", Match = new() { Path = "/mediamesh.initiative.v1.{service}/{method}" } },
    new() { RouteId = "exchange", ClusterId = "exchange", Match = new() { Path = "/mediamesh.exchange.v1.{service}/{method}" } },
    new() { RouteId = "organization", ClusterId = "organization", Order = 1, Match = new() { Path = "/{**path}" } },
];

static ClusterConfig[] Clusters(IConfiguration settings) =>
[.. Services.Names.Select(name => new ClusterConfig
{
    ClusterId = name,
    HttpRequest = new ForwarderRequestConfig { Version = new Version(2, 0), VersionPolicy = HttpVersionPolicy.RequestVersionExact },
    Destinations = new Dictionary<string, DestinationConfig>
    {
        [name + "-1"] = new() { Address = settings[name] ?? throw new ArgumentException($"--{name} is required") },
    },
})];

/// <summary>The services the plain forwarder routes to, each its own cluster.</summary>
internal static class Services
{
    public static readonly string[] Names = ["organization", "initiative", "exchange"];
}
