using Grpc.Core;
using MediaMesh.Gateway.Errors;
using Microsoft.AspNetCore.Http.Timeouts;
using Yarp.ReverseProxy.Forwarder;

namespace MediaMesh.Gateway.Proxy;

/// <summary>
/// Runs in YARP's pipeline around the forwarder. When a call could not be forwarded (no backend
/// reachable, connection refused, timed out) YARP leaves a bare 502/503/504; this turns it into a
/// proper gRPC status (UNAVAILABLE or DEADLINE_EXCEEDED) that clients can act on.
/// </summary>
public static class ProxyErrorMiddleware
{
    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        await next(context);
        var error = context.Features.Get<IForwarderErrorFeature>();
        if (error is null || context.Response.HasStarted)
        {
            return;
        }

        if (context.Features.Get<IHttpRequestTimeoutFeature>()?.RequestTimeoutToken.IsCancellationRequested == true)
        {
            // The gateway's own limit (UnaryCallTimeout) ended the call; YARP saw only a cancellation.
            await GrpcErrorResponse.WriteAsync(context, StatusCode.DeadlineExceeded, "The call took longer than the gateway allows for a unary call.");
            return;
        }

        switch (error.Error)
        {
            case ForwarderError.None:
            case ForwarderError.RequestCanceled:
                return;
            case ForwarderError.RequestTimedOut:
                await GrpcErrorResponse.WriteAsync(context, StatusCode.DeadlineExceeded, "The call took longer than the gateway allows.");
                return;
            default:
                await GrpcErrorResponse.WriteRetryLaterAsync(context, StatusCode.Unavailable,
                    "The service behind this call is not reachable right now; retry shortly.", TimeSpan.FromSeconds(1));
                return;
        }
    }
}
