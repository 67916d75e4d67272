using MediaMesh.ServiceDefaults.Grpc;
using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.ServiceDefaults.Lifecycle;
using Grpc.AspNetCore.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace MediaMesh.ServiceDefaults;

/// <summary>Defaults shared by every MediaMesh host (the services and the gateway).</summary>
public static class Extensions
{
    public const string LivenessPath = "/health/live";
    public const string ReadinessPath = "/health/ready";

    /// <summary>Telemetry and health checks; used by the gateway and every service.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder, string serviceName)
        where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry(serviceName);
        builder.Services.AddOptions<ShutdownOptions>().Bind(builder.Configuration.GetSection(ShutdownOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<GracefulShutdown>();
        builder.Services.AddHostedService(services => services.GetRequiredService<GracefulShutdown>());
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"])
            .AddCheck<GracefulShutdown>(GracefulShutdown.HealthCheckName, tags: ["ready"]);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ServiceInstance>();
        return builder;
    }

    /// <summary>
    /// A gRPC service host: service defaults, internal-token authentication, the error-mapping
    /// interceptor, server reflection and grpc.health.v1 driven by the real health checks.
    /// </summary>
    public static TBuilder AddMediaMeshGrpcService<TBuilder>(this TBuilder builder, string serviceName)
        where TBuilder : IHostApplicationBuilder
    {
        builder.AddServiceDefaults(serviceName);
        builder.AddInternalTokenAuthentication(serviceName);
        builder.Services.AddGrpc(options =>
        {
            options.Interceptors.Add<StreamShutdownInterceptor>();
            options.Interceptors.Add<ErrorMappingInterceptor>();
            options.Interceptors.Add<ServiceCallAuthorizationInterceptor>();
            options.MaxReceiveMessageSize = 4 * 1024 * 1024;
            options.MaxSendMessageSize = 4 * 1024 * 1024;
        }).AddJsonTranscoding(o => o.TypeRegistry = ErrorDetailTypes.Registry);
        // gRPC-Web for browser clients (proxied by the gateway); runs first, before routing.
        builder.Services.AddTransient<IStartupFilter, GrpcWebStartupFilter>();
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks(o => o.Services.Map(string.Empty, r => r.Tags.Contains("ready") || r.Tags.Contains("live")));
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder, string serviceName)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var version = typeof(Extensions).Assembly.GetName().Version?.ToString() ?? "0.0.0";
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName, serviceVersion: version))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("MediaMesh.*"))
            .WithTracing(tracing => tracing
                .AddSource("MediaMesh.*")
                .AddAspNetCoreInstrumentation(o => o.Filter = ctx =>
                    !ctx.Request.Path.StartsWithSegments(LivenessPath) && !ctx.Request.Path.StartsWithSegments(ReadinessPath))
                .AddGrpcClientInstrumentation()
                .AddHttpClientInstrumentation()
                .AddEntityFrameworkCoreInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>
    /// HTTP liveness (checks tagged "live") and readiness (tagged "live" or "ready") for container
    /// health checks and load balancers. A check with neither tag (the gateway's per-backend checks)
    /// is reported only where it is mapped explicitly, e.g. in grpc.health.v1.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(LivenessPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") }).AllowAnonymous();
        var shutdown = app.Services.GetRequiredService<GracefulShutdown>();
        app.MapHealthChecks(ReadinessPath, new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains("live") || r.Tags.Contains("ready"),
            ResponseWriter = (context, report) =>
            {
                // Someone routes by this answer: a stop drains before it stops listening (GracefulShutdown).
                shutdown.ReadinessProbed();
                context.Response.ContentType = "text/plain";
                return context.Response.WriteAsync(report.Status.ToString());
            },
        }).AllowAnonymous();
        return app;
    }

    private sealed class GrpcWebStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                GrpcWebText.Mark(context);
                return nextMiddleware(context);
            });
            app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
            next(app);
        };
    }

    /// <summary>
    /// The middleware of a gRPC service host, in order: authentication, authorization, then the check that
    /// refuses unreadable request bytes with INVALID_ARGUMENT before grpc-dotnet reads them.
    /// </summary>
    public static WebApplication UseMediaMeshGrpcPipeline(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<MalformedGrpcRequestGuard>();
        return app;
    }

    /// <summary>Maps grpc.health.v1 and server reflection (both open without a token).</summary>
    public static WebApplication MapGrpcInfrastructure(this WebApplication app)
    {
        app.MapGrpcHealthChecksService().AllowAnonymous();
        app.MapGrpcReflectionService().AllowAnonymous();
        return app;
    }
}
