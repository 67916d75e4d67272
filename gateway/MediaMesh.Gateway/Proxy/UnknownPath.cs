using Grpc.Core;
using MediaMesh.Gateway.Errors;

namespace MediaMesh.Gateway.Proxy;

/// <summary>
/// Any path no route serves: UNIMPLEMENTED for gRPC and gRPC-Web (an unknown service or method),
/// HTTP 404 with a google.rpc.Status body (NOT_FOUND) for REST, instead of an empty 404.
/// </summary>
public static class UnknownPath
{
    public static Task InvokeAsync(HttpContext context) => GrpcErrorResponse.IsGrpc(context)
        ? GrpcErrorResponse.WriteAsync(context, StatusCode.Unimplemented, $"The gateway serves no method at '{context.Request.Path}'.")
        : GrpcErrorResponse.WriteAsync(context, StatusCode.NotFound, $"No MediaMesh REST method at '{context.Request.Method} {context.Request.Path}'.");
}
