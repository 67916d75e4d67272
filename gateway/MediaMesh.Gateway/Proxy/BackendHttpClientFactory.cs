using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace MediaMesh.Gateway.Proxy;

/// <summary>
/// The sockets YARP uses towards the services: a short connect timeout so a dead backend fails
/// fast with UNAVAILABLE, and HTTP/2 keep-alive pings so idle long-lived streams keep their
/// connection (pings do not reset YARP's ActivityTimeout; the streaming clusters set that high).
/// </summary>
public sealed class BackendHttpClientFactory(IOptions<GatewayOptions> options) : ForwarderHttpClientFactory
{
    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        var settings = options.Value;
        handler.ConnectTimeout = settings.BackendConnectTimeout;
        handler.KeepAlivePingDelay = settings.BackendKeepAlivePingDelay;
        handler.KeepAlivePingTimeout = TimeSpan.FromSeconds(20);
        handler.KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests;
        handler.EnableMultipleHttp2Connections = true;
        // Media uploads stream 1 MiB messages: a window of several messages keeps the link busy on a fast network.
        handler.InitialHttp2StreamWindowSize = 8 * 1024 * 1024;
    }
}
