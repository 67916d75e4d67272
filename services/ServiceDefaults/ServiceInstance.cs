using System.Globalization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;

namespace MediaMesh.ServiceDefaults;

/// <summary>
/// Who this process is among the replicas of a service: a <see cref="Name"/> that stays the same when the
/// replica is restarted (crash, kill -9, container restart) and an <see cref="Incarnation"/> new at every start.
/// A record stamped with this replica's name and an older incarnation was left by a process of this replica
/// that is no longer running — only one process can be a given replica at a time — so the replica may
/// release it at once instead of waiting for it to time out.
/// </summary>
/// <remarks>
/// The name is <c>MediaMesh:Instance:Name</c> when set (e.g. a StatefulSet pod name, or compose service and
/// index); else <c>host:port</c> of the first address the server listens on, which no two live processes
/// can share and a restarted replica gets back. Two processes must never be configured with the same name
/// while both run: each would treat the other's records as its own predecessor's. Without a known address
/// (an in-memory test server) the name is unique to the process, so nothing is ever taken as a predecessor's.
/// </remarks>
public sealed class ServiceInstance
{
    public const string NameKey = "MediaMesh:Instance:Name";

    private readonly Lazy<string> _name;

    public ServiceInstance(IConfiguration configuration, IServer server)
    {
        _name = new Lazy<string>(() => Normalise(configuration[NameKey]) ?? FromAddresses(server)
            ?? $"{Environment.MachineName}:pid{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Incarnation}");
    }

    /// <summary>Stable across restarts of this replica; never contains '/'.</summary>
    public string Name => _name.Value;

    /// <summary>Unique to this start of the process.</summary>
    public string Incarnation { get; } = Guid.NewGuid().ToString("N");

    private static string? FromAddresses(IServer server)
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        return address is not null && Uri.TryCreate(address.Replace("://+", "://any", StringComparison.Ordinal).Replace("://*", "://any", StringComparison.Ordinal), UriKind.Absolute, out var uri) && uri.Port > 0
            ? Normalise($"{Environment.MachineName}:{uri.Port.ToString(CultureInfo.InvariantCulture)}")
            : null;
    }

    /// <summary>'/' separates the name from the incarnation where both are written into one value.</summary>
    private static string? Normalise(string? name) => string.IsNullOrWhiteSpace(name) ? null : name.Trim().Replace('/', '_');
}
