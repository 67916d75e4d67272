using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MediaMesh.ServiceDefaults.Grpc;

/// <summary>
/// Where an outbound client's calls go: one address, or several replicas of the service. With several, the
/// channel gives each call to the least loaded (calls in flight, answer time) of the replicas that answer ready
/// (grpc-dotnet's client-side load balancing with <see cref="LeastLoadedBalancerFactory"/>; <c>static://organization</c>
/// is resolved by <see cref="ReadyReplicaResolver"/>, which asks each replica's <c>/health/ready</c> every
/// <see cref="ProbeInterval"/>): a replica that is still starting, or draining before it stops, gets no calls, one
/// that stops listening drops out of the pick at once, one that answers slowly gets fewer, and the idempotent reads
/// are hedged across the replicas (<see cref="HedgeAcrossReplicas"/>).
/// </summary>
public sealed class OutboundReplicas
{
    private const string Scheme = "static";
    private readonly IReadOnlyList<Uri> _addresses;

    private OutboundReplicas(string serviceName, IReadOnlyList<Uri> addresses, TimeSpan probeInterval)
    {
        _addresses = addresses;
        ProbeInterval = probeInterval;
        // An answer slower than the interval is no answer: the probe must not fall behind itself.
        ProbeTimeout = probeInterval < TimeSpan.FromSeconds(2) ? probeInterval : TimeSpan.FromSeconds(2);
        ChannelAddress = addresses.Count == 1 ? addresses[0] : new Uri($"{Scheme}://{serviceName}");
    }

    /// <summary>The address the channel is created with.</summary>
    public Uri ChannelAddress { get; }

    public IReadOnlyList<Uri> Addresses => _addresses;

    /// <summary>How often each replica's readiness is asked (several replicas only).</summary>
    public TimeSpan ProbeInterval { get; }

    /// <summary>How long a readiness probe waits for its answer.</summary>
    public TimeSpan ProbeTimeout { get; }

    /// <summary>Adds least-loaded balancing to a channel's service config when there are several replicas.</summary>
    public void AddLoadBalancing(ServiceConfig config)
    {
        if (_addresses.Count > 1)
        {
            config.LoadBalancingConfigs.Add(new LoadBalancingConfig(LeastLoadedBalancerFactory.PolicyName));
        }
    }

    /// <summary>
    /// Parses and records the addresses of <paramref name="serviceName"/>; all must be http or all https
    /// (one channel has one kind of credentials).
    /// </summary>
    public static OutboundReplicas Register(IServiceCollection services, string serviceName, IReadOnlyList<string> addresses, TimeSpan probeInterval)
    {
        if (probeInterval <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"MediaMesh:Services:{serviceName}:ReadinessProbeInterval must be positive.");
        }

        var parsed = addresses.Select(a => Uri.TryCreate(a?.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Port > 0
                ? uri
                : throw new InvalidOperationException($"MediaMesh:Services:{serviceName}: '{a}' is not an http(s) address with a port."))
            .DistinctBy(u => u.Authority)
            .ToList();
        if (parsed.Count == 0 || parsed.Select(u => u.Scheme).Distinct().Count() > 1)
        {
            throw new InvalidOperationException($"MediaMesh:Services:{serviceName}: give one or more addresses, all http or all https.");
        }

        var book = services.Select(s => s.ImplementationInstance).OfType<ReplicaAddressBook>().FirstOrDefault();
        if (book is null)
        {
            book = new ReplicaAddressBook();
            services.AddSingleton(book);
            services.TryAddEnumerable(ServiceDescriptor.Singleton<ResolverFactory, ReplicaResolverFactory>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<LoadBalancerFactory, LeastLoadedBalancerFactory>());
        }

        var replicas = new OutboundReplicas(serviceName, parsed, probeInterval);
        book.Set(serviceName, replicas);
        return replicas;
    }

    /// <summary>How long an idempotent read waits on one replica before it is also sent to the next.</summary>
    public static readonly TimeSpan HedgingDelay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// With several replicas, the idempotent reads are hedged instead of only retried: one that has no answer
    /// after <see cref="HedgingDelay"/> (a replica just restarted and still compiling its code, or one
    /// overloaded) is also sent to another replica (the least loaded, which the slow one holding the first
    /// attempt is not), the first answer wins; an UNAVAILABLE sends the next attempt at once. A call whose caller is waiting on it (a member's write) is not held to the slowest
    /// replica's pace.
    /// </summary>
    public void HedgeAcrossReplicas(MethodConfig reads, int maxAttempts)
    {
        if (_addresses.Count < 2)
        {
            return;
        }

        reads.RetryPolicy = null;
        reads.HedgingPolicy = new HedgingPolicy
        {
            MaxAttempts = Math.Max(2, maxAttempts),
            HedgingDelay = HedgingDelay,
            NonFatalStatusCodes = { StatusCode.Unavailable },
        };
    }

    /// <summary>Channel settings that follow from the addresses: credentials for a static address, quick reconnects.</summary>
    public void Configure(GrpcChannelOptions channel)
    {
        if (_addresses.Count > 1)
        {
            channel.Credentials = _addresses[0].Scheme == "https" ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure;
        }

        // A restarted replica is back in the pick within a second or two, not after minutes of back-off
        // (grpc's default grows to 120 s), so the next replica can be restarted soon after.
        channel.InitialReconnectBackoff = TimeSpan.FromMilliseconds(250);
        channel.MaxReconnectBackoff = TimeSpan.FromSeconds(2);
    }

    /// <summary>The addresses of every outbound service of this host, by service name.</summary>
    internal sealed class ReplicaAddressBook
    {
        private readonly Dictionary<string, OutboundReplicas> _services = new(StringComparer.OrdinalIgnoreCase);

        public void Set(string serviceName, OutboundReplicas replicas)
        {
            lock (_services)
            {
                _services[serviceName] = replicas;
            }
        }

        public OutboundReplicas Of(string serviceName)
        {
            lock (_services)
            {
                return _services.TryGetValue(serviceName, out var replicas)
                    ? replicas
                    : throw new InvalidOperationException($"No addresses are configured for the {serviceName} service.");
            }
        }
    }

    /// <summary>Resolves <c>static://{service}</c> to the service's configured replicas that answer ready.</summary>
    internal sealed class ReplicaResolverFactory(ReplicaAddressBook book) : ResolverFactory
    {
        public override string Name => Scheme;

        public override Resolver Create(ResolverOptions options) =>
            new ReadyReplicaResolver(options.Address.Host, book.Of(options.Address.Host), options.LoggerFactory);
    }
}
