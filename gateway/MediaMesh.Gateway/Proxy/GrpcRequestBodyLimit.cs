using Microsoft.AspNetCore.Http.Features;

namespace MediaMesh.Gateway.Proxy;

/// <summary>
/// gRPC bodies are streams of length-prefixed messages whose size the services limit per message;
/// Kestrel's 30 MB whole-body limit would cut a media upload, so it is lifted for gRPC calls, as
/// Grpc.AspNetCore does for the services themselves. It runs first, before any refusal, so that
/// <see cref="Errors.LingeringRequestDrain"/> can drain a refused gRPC-Web body of any size (for its time limit).
/// </summary>
public static class GrpcRequestBodyLimit
{
    public static Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (Errors.GrpcErrorResponse.IsGrpc(context)
            && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }

        return next(context);
    }
}
