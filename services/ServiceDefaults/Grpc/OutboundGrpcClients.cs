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

    /// <summary>Deadline applied to every call that has none shorter.</summary>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts (including the first) for idempotent reads refused with UNAVAILABLE.</summary>
    public int MaxAttempts { get; set; } = 3;
}

public static class OutboundGrpcClients
{
    /// <summary>
    /// Registers a generated gRPC client for a MediaMesh service. Every call gets a deadline, the
    /// caller's deadline and cancellation propagate, the caller's internal token is forwarded (or a
    /// service token is minted when there is no incoming call), and the listed idempotent read
    /// methods are retried on UNAVAILABLE by the channel's service config: the only retry layer.
    /// </summary>
    public static IHttpClientBuilder AddMediaMeshGrpcClient<TClient>(
        this IHostApplicationBuilder builder, string serviceName, string serviceFullName, params string[] idempotentReadMethods)
        where TClient : class
    {
        var section = builder.Configuration.GetSection($"MediaMesh:Services:{serviceName}");
        builder.Services.Configure<OutboundServiceOptions>(serviceName, section);
        builder.Services.AddHttpContextAccessor();

        var settings = section.Get<OutboundServiceOptions>() ?? new OutboundServiceOptions();
        var address = settings.Address
            ?? builder.Configuration[$"services:{serviceName}:http:0"]
            ?? throw new InvalidOperationException($"Set MediaMesh:Services:{serviceName}:Address to the {serviceName} service's address.");

        return builder.Services
            .AddGrpcClient<TClient>(o => o.Address = new Uri(address))
            .EnableCallContextPropagation(o => o.SuppressContextNotFoundErrors = true)
            .AddInterceptor(sp => new OutboundCallInterceptor(
                sp.GetRequiredService<IHttpContextAccessor>(),
                sp.GetRequiredService<InternalTokenIssuer>(),
                sp.GetRequiredService<IOptionsMonitor<OutboundServiceOptions>>().Get(serviceName)))
            .ConfigureChannel(channel =>
            {
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
            });
    }
}

/// <summary>Adds the deadline and the identity to each outbound call.</summary>
internal sealed class OutboundCallInterceptor(IHttpContextAccessor httpContext, InternalTokenIssuer issuer, OutboundServiceOptions options) : Interceptor
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
            var incoming = httpContext.HttpContext?.Request.Headers.Authorization.ToString();
            headers.Add("authorization", string.IsNullOrEmpty(incoming)
                ? "Bearer " + issuer.Issue("mediamesh", CallerRoles.Service)
                : incoming);
        }

        return new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, callOptions.WithHeaders(headers));
    }
}
