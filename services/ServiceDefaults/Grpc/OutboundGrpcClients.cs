using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client.Configuration;
using Grpc.Net.ClientFactory;
using MediaMesh.ServiceDefaults.Identity;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MediaMesh.ServiceDefaults.Grpc;

/// <summary>Settings of one outbound service, section "MediaMesh:Services:{name}".</summary>
public sealed class OutboundServiceOptions
{
    /// <summary>Base address, e.g. http://localhost:5101. Falls back to Aspire's services__{name}__http__0.</summary>
    public string? Address { get; set; }

    /// <summary>
    /// Several replicas of the service (e.g. http://organization-1:8080, http://organization-2:8080), used
    /// instead of <see cref="Address"/>: each call goes to the least loaded replica (calls in flight, answer time) among
    /// those that answer ready and accept connections, and reads are hedged across them (<see cref="OutboundReplicas"/>), so one stopping,
    /// restarting or slow replica costs nothing but a read sent twice.
    /// </summary>
    public List<string> Addresses { get; set; } = [];

    /// <summary>
    /// With several <see cref="Addresses"/>, how often each replica's <c>/health/ready</c> is asked; only the
    /// ready ones get calls.
    /// </summary>
    public TimeSpan ReadinessProbeInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Deadline applied to every call that has none shorter.</summary>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts (including the first) for idempotent reads refused with UNAVAILABLE.</summary>
    public int MaxAttempts { get; set; } = 3;
}

public static class OutboundGrpcClients
{
    /// <summary>
    /// Registers a generated gRPC client for a MediaMesh service. Every call gets a deadline, the
    /// caller's deadline and cancellation propagate, the caller's member token is forwarded while it
    /// is valid (else the call is made as this service itself, see <see cref="OutboundIdentity"/>),
    /// and the listed idempotent read methods are retried on UNAVAILABLE by the channel's service
    /// config: the only retry layer.
    /// </summary>
    public static IHttpClientBuilder AddMediaMeshGrpcClient<TClient>(
        this IHostApplicationBuilder builder, string serviceName, string serviceFullName, params string[] idempotentReadMethods)
        where TClient : class =>
        builder.AddMediaMeshGrpcClient<TClient>(serviceName, serviceFullName, OutboundIdentity.ForwardMember, idempotentReadMethods);

    /// <summary>As above, with the identity the calls carry.</summary>
    public static IHttpClientBuilder AddMediaMeshGrpcClient<TClient>(
        this IHostApplicationBuilder builder, string serviceName, string serviceFullName, OutboundIdentity identity, params string[] idempotentReadMethods)
        where TClient : class
    {
        var self = builder.Services.Select(s => s.ImplementationInstance).OfType<InternalTokenIdentity>().FirstOrDefault()
            ?? throw new InvalidOperationException("Name the host (AddMediaMeshGrpcService or AddInternalTokenSigning) before registering its outbound clients.");
        builder.AddInternalTokenSigning(self.Name);
        var section = builder.Configuration.GetSection($"MediaMesh:Services:{serviceName}");
        builder.Services.Configure<OutboundServiceOptions>(serviceName, section);
        builder.Services.AddHttpContextAccessor();

        var settings = section.Get<OutboundServiceOptions>() ?? new OutboundServiceOptions();
        var replicas = OutboundReplicas.Register(builder.Services, serviceName, settings.Addresses.Count > 0
            ? settings.Addresses
            : [settings.Address
                ?? builder.Configuration[$"services:{serviceName}:http:0"]
                ?? throw new InvalidOperationException($"Set MediaMesh:Services:{serviceName}:Address to the {serviceName} service's address.")],
            settings.ReadinessProbeInterval);

        var registry = builder.Services.Select(s => s.ImplementationInstance).OfType<OutboundClientRegistry>().FirstOrDefault();
        if (registry is null)
        {
            registry = new OutboundClientRegistry();
            builder.Services.AddSingleton(registry);
            builder.Services.AddHostedService<OutboundChannelsStartup>();
        }

        registry.Add<TClient>();
        return builder.Services
            .AddGrpcClient<TClient>(o => o.Address = replicas.ChannelAddress)
            .EnableCallContextPropagation(o => o.SuppressContextNotFoundErrors = true)
            .AddInterceptor(sp => new OutboundCallInterceptor(
                sp.GetRequiredService<IHttpContextAccessor>(),
                sp.GetRequiredService<InternalTokenIssuer>(),
                sp.GetRequiredService<IOptions<InternalTokenOptions>>().Value.ClockSkew,
                sp.GetRequiredService<IOptionsMonitor<OutboundServiceOptions>>().Get(serviceName),
                serviceName,
                identity))
            .ConfigureChannel(channel =>
            {
                replicas.Configure(channel);
                channel.ServiceConfig = new ServiceConfig
                {
                    MethodConfigs =
                    {
                        new MethodConfig
                        {
                            Names = { },
                            RetryPolicy = new RetryPolicy
                            {
                                MaxAttempts = Math.Max(1, settings.MaxAttempts),
                                InitialBackoff = TimeSpan.FromMilliseconds(100),
                                MaxBackoff = TimeSpan.FromSeconds(1),
                                BackoffMultiplier = 2,
                                RetryableStatusCodes = { StatusCode.Unavailable },
                            },
                        },
                    },
                };
                foreach (var method in idempotentReadMethods)
                {
                    channel.ServiceConfig.MethodConfigs[0].Names.Add(new MethodName { Service = serviceFullName, Method = method });
                }

                replicas.AddLoadBalancing(channel.ServiceConfig);
                replicas.HedgeAcrossReplicas(channel.ServiceConfig.MethodConfigs[0], settings.MaxAttempts);
            });
    }
}

/// <summary>Whose identity an outbound client's calls carry.</summary>
public enum OutboundIdentity
{
    /// <summary>
    /// The member's token while this service handles the member's call and the token is still
    /// valid; otherwise (no incoming member call, or a long stream that outlived the token) a token
    /// of this service itself, held by the callee to <see cref="ServiceCallAllowlist"/>.
    /// </summary>
    ForwardMember,

    /// <summary>Always this service itself (the gateway's key look-ups).</summary>
    Own,
}

/// <summary>Adds the deadline and the identity to each outbound call.</summary>
internal sealed class OutboundCallInterceptor(
    IHttpContextAccessor httpContext, InternalTokenIssuer issuer, TimeSpan clockSkew, OutboundServiceOptions options, string callee, OutboundIdentity identity) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, Decorate(context));

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, Decorate(context));

    private ClientInterceptorContext<TRequest, TResponse> Decorate<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class
        where TResponse : class
    {
        var callOptions = context.Options;
        var limit = DateTime.UtcNow + options.Deadline;
        if (callOptions.Deadline is null || callOptions.Deadline > limit)
        {
            callOptions = callOptions.WithDeadline(limit);
        }

        var headers = callOptions.Headers ?? [];
        if (headers.Get("authorization") is null)
        {
            headers.Add("authorization", ForwardableMemberToken() ?? "Bearer " + issuer.IssueServiceToken(callee));
        }

        return new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, callOptions.WithHeaders(headers));
    }

    /// <summary>The incoming member token, if this call handles a member's and the token outlives the clock skew.</summary>
    private string? ForwardableMemberToken()
    {
        if (identity != OutboundIdentity.ForwardMember || httpContext.HttpContext is not { } incoming
            || CallerIdentity.FromPrincipal(incoming.User) is not { IsService: false }
            || !long.TryParse(incoming.User.FindFirst("exp")?.Value, out var expires)
            || DateTimeOffset.FromUnixTimeSeconds(expires) - clockSkew <= DateTimeOffset.UtcNow)
        {
            return null;
        }

        var token = incoming.Request.Headers.Authorization.ToString();
        return string.IsNullOrEmpty(token) ? null : token;
    }
}
