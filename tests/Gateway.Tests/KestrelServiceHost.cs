using System.Net;
using System.Net.Sockets;
using MediaMesh.TestSupport;

namespace MediaMesh.Gateway.Tests;

/// <summary>
/// A MediaMesh service on a real loopback port speaking h2c, so the gateway proxies to it over a
/// real socket exactly as in production.
/// </summary>
public class KestrelServiceHost<TProgram> : ServiceHost<TProgram>
    where TProgram : class
{
    public KestrelServiceHost(int? port = null, string? dataDirectory = null)
    {
        Port = port ?? FreePort.Next();
        WithSetting("Kestrel:Endpoints:Http:Url", $"http://127.0.0.1:{Port}");
        WithSetting("Kestrel:Endpoints:Http:Protocols", "Http2");
        if (dataDirectory is not null)
        {
            WithSetting("MediaMesh:DataDirectory", dataDirectory);
        }

        UseKestrel();
    }

    public int Port { get; }

    public string Address => $"http://127.0.0.1:{Port}";
}

public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
