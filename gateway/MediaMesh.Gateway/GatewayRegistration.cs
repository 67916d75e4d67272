using Grpc.Core;
using MediaMesh.Gateway.Authentication;
using MediaMesh.Gateway.Discovery;
using MediaMesh.Gateway.Errors;
using MediaMesh.Gateway.Proxy;
using MediaMesh.Gateway.RateLimiting;
using MediaMesh.ServiceDefaults.Grpc;
using MediaMesh.ServiceDefaults.Identity;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.Options;
using OpenTelemetry.Instrumentation.Http;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;
using Organization = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Gateway;

public static class GatewayRegistration
{
    /// <summary>Name of the request-timeout policy that the unary routes use.</summary>
    public const string UnaryTimeoutPolicy = "unary";

    public const string BrowserCorsPolicy = "browsers";

    public static WebApplicationBuilder AddMediaMeshGateway(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<GatewayOptions>()
            .Bind(builder.Configuration.GetSection(GatewayOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => o.NestedSectionsAreValid(), "a MediaMesh:Gateway:RateLimit, RefusalLimit or InFlight setting is out of its range")
            .ValidateOnStart();

        // The gateway alone signs member tokens (with its own private key); it verifies none
        // (members present API keys). Its key look-ups are calls of its own (service:gateway).
        builder.AddInternalTokenSigning(InternalTokenNames.Gateway);
        services.AddMemoryCache();
        services.AddSingleton<ApiKeyCache>();
        services.AddTransient<ApiKeyResolver>();
        services.AddSingleton<KeyResolutionFlights>();
        services.AddSingleton<AddressRefusalLimiter>();
        builder.AddMediaMeshGrpcClient<Organization.CredentialService.CredentialServiceClient>(
            PublicServices.OrganizationCluster, "mediamesh.organization.v1.CredentialService", OutboundIdentity.Own, "ResolveApiKey");

        services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddTransforms(transforms => transforms.AddResponseTransform(KeepBackendResponse));
        services.AddSingleton<Yarp.ReverseProxy.Health.IPassiveHealthCheckPolicy, GrpcAwarePassiveHealthPolicy>();
        services.AddSingleton<IForwarderHttpClientFactory, BackendHttpClientFactory>();
        services.AddOrganizationRateLimiting();
        services.AddSingleton<InFlightLimiter>();
        services.AddRequestTimeouts();
        services.AddOptions<RequestTimeoutOptions>().Configure<IOptions<GatewayOptions>>((timeouts, gateway) =>
            timeouts.AddPolicy(UnaryTimeoutPolicy, new RequestTimeoutPolicy
            {
                Timeout = gateway.Value.UnaryCallTimeout,
                WriteTimeoutResponse = context => GrpcErrorResponse.WriteAsync(context, StatusCode.DeadlineExceeded,
                    "The call took longer than the gateway allows for a unary call."),
            }));

        var origins = builder.Configuration.GetSection("MediaMesh:Gateway:CorsOrigins").Get<string[]>() ?? [];
        services.AddCors(cors => cors.AddPolicy(BrowserCorsPolicy, policy => policy
            .WithOrigins(origins)
            .AllowAnyMethod()
            .AllowAnyHeader()
            .WithExposedHeaders("grpc-status", "grpc-message", "grpc-status-details-bin", "retry-after")));

        services.AddGrpc();
        services.AddGatewayReflection();
        // /health/ready (checks tagged "live" or "ready") says the gateway can serve: it started, so its
        // options and proxy configuration are valid. The backend checks are tagged "backend" only, so
        // one backend down never makes the gateway unready (an orchestrator would pull every gateway).
        // grpc.health.v1: service "" = the gateway and every cluster, each public service = its cluster.
        var health = services.AddGrpcHealthChecks(o =>
        {
            o.Services.Map(string.Empty, r => r.Tags.Contains("live") || r.Tags.Contains("ready") || r.Tags.Contains("backend"));
            foreach (var (descriptor, cluster) in PublicServices.All)
            {
                o.Services.Map(descriptor.FullName, r => r.Name == BackendCheckName(cluster));
            }
        });
        foreach (var cluster in PublicServices.Clusters)
        {
            health.AddTypeActivatedCheck<BackendHealthCheck>(BackendCheckName(cluster), failureStatus: null, tags: ["backend"], args: cluster);
        }

        // YARP's active health probes would otherwise each start a trace of their own.
        services.Configure<HttpClientTraceInstrumentationOptions>(o =>
            o.FilterHttpRequestMessage = request => request.RequestUri?.AbsolutePath.StartsWith("/health/", StringComparison.Ordinal) != true);
        return builder;
    }

    public static WebApplication UseMediaMeshGateway(this WebApplication app)
    {
        // Before anything that may refuse a call: a refused body is drained, and the drain of a gRPC body is
        // bound by time, not by Kestrel's 30 MB.
        app.Use(GrpcRequestBodyLimit.InvokeAsync);
        app.Use(LingeringRequestDrain.InvokeAsync);
        app.UseRouting();
        app.UseCors(BrowserCorsPolicy);
        app.UseMiddleware<ApiKeyAuthenticationMiddleware>();
        app.UseRateLimiter();
        app.UseRequestTimeouts();

        app.MapGrpcHealthChecksService();
        app.MapGatewayReflection();
        app.MapOpenApiDocument();
        app.MapReverseProxy(proxy =>
        {
            proxy.Use(InFlightLimiting.InvokeAsync);
            proxy.Use(ProxyErrorMiddleware.InvokeAsync);
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        app.MapFallback("{**path}", UnknownPath.InvokeAsync);
        return app;
    }

    public static string BackendCheckName(string cluster) => "backend-" + cluster;

    /// <summary>Keeps the backend's response (and so its grpc-status) for <see cref="ProxyErrorMiddleware"/>.</summary>
    private static ValueTask KeepBackendResponse(Yarp.ReverseProxy.Transforms.ResponseTransformContext transform)
    {
        if (transform.ProxyResponse is not null && transform.HttpContext.Features.Get<ForwardedCall>() is { } call)
        {
            call.BackendResponse = transform.ProxyResponse;
        }

        return ValueTask.CompletedTask;
    }
}
