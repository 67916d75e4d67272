using Grpc.Reflection;

namespace MediaMesh.Gateway.Discovery;

/// <summary>
/// grpc.reflection (v1 and v1alpha) served by the gateway itself from the contracts it was built
/// with, so grpcurl and buf curl can list and call every public RPC through the one public port.
/// </summary>
public static class GatewayReflection
{
    public static IServiceCollection AddGatewayReflection(this IServiceCollection services)
    {
        var descriptors = PublicServices.All.Select(s => s.Descriptor)
            .Append(Grpc.Health.V1.Health.Descriptor)
            .Append(Grpc.Reflection.V1.ServerReflection.Descriptor)
            .Append(Grpc.Reflection.V1Alpha.ServerReflection.Descriptor)
            .ToList();
        services.AddSingleton(new ReflectionServiceImpl(descriptors));
        services.AddSingleton(new ReflectionV1ServiceImpl(descriptors));
        return services;
    }

    public static IEndpointRouteBuilder MapGatewayReflection(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<ReflectionServiceImpl>();
        endpoints.MapGrpcService<ReflectionV1ServiceImpl>();
        return endpoints;
    }
}
