using Grpc.Core;
using MediaMesh.Gateway.Errors;
using MediaMesh.Gateway.RateLimiting;
using MediaMesh.ServiceDefaults.Lifecycle;
using Microsoft.AspNetCore.Http.Features;

namespace MediaMesh.Gateway.Proxy;

/// <summary>
/// Runs in YARP's pipeline around the forwarder. Before: notes the caller's deadline and, for
/// native gRPC, holds back any stream reset. After a failure YARP reports, answers what really
/// happened (<see cref="ForwardedCall.Classify"/>): the backend's own status when it had already
/// sent one, DEADLINE_EXCEEDED once the caller's deadline or the gateway's unary limit has passed,
/// UNAVAILABLE (retry) only when no backend could be reached, INTERNAL for a stream the backend
/// reset without a status. A native gRPC response that has already started still ends with a
/// status in its trailers rather than a bare RST_STREAM.
/// <para>
/// Streams (feeds, uploads, downloads) do not outlive the gateway: when its drain is over
/// (<see cref="GracefulShutdown.StreamsEnding"/>) each open one is cancelled towards its backend and ends
/// with UNAVAILABLE and RetryInfo, the status the SDK resumes from, and a stream that arrives after that is
/// refused the same way. Without this a stop waited for every open feed until the host's shutdown
/// timeout and then cut them without a status.
/// </para>
/// </summary>
public static class ProxyErrorMiddleware
{
    private const string GatewayStoppingMessage = "The gateway is shutting down; call again to continue.";

    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var clock = context.RequestServices.GetRequiredService<TimeProvider>();
        var shutdown = context.RequestServices.GetRequiredService<GracefulShutdown>();
        var isStream = InFlightLimiting.KindOf(context) == InFlightKind.Stream;
        if (isStream && shutdown.StreamsEnding.IsCancellationRequested)
        {
            await GrpcErrorResponse.TryWriteRetryLaterAsync(context, StatusCode.Unavailable, GatewayStoppingMessage, shutdown.StreamRetryDelay);
            return;
        }

        var callerAborted = context.RequestAborted;
        var call = new ForwardedCall(ForwardedCall.DeadlineFrom(context.Request.Headers["grpc-timeout"], clock.GetUtcNow()),
            callerAborted, isStream ? shutdown.StreamsEnding : CancellationToken.None);
        if (GrpcErrorResponse.IsGrpc(context) && !GrpcErrorResponse.IsGrpcWeb(context) && context.Features.Get<IHttpResetFeature>() is { } reset)
        {
            call.DeferredReset = new DeferredReset(reset);
            context.Features.Set<IHttpResetFeature>(call.DeferredReset);
        }

        context.Features.Set(call);
        if (isStream)
        {
            // YARP cancels the forwarding with RequestAborted: the stream's own token also fires when the gateway stops.
            using var streamAborted = CancellationTokenSource.CreateLinkedTokenSource(callerAborted, shutdown.StreamsEnding);
            context.RequestAborted = streamAborted.Token;
            try
            {
                await next(context);
            }
            finally
            {
                context.RequestAborted = callerAborted;
            }
        }
        else
        {
            await next(context);
        }

        var failure = call.Classify(context, clock.GetUtcNow());
        var answered = failure switch
        {
            ForwardingFailure.None or ForwardingFailure.CallerGone => false,
            ForwardingFailure.BackendStatus when GrpcErrorResponse.IsGrpc(context) => GrpcErrorResponse.WriteBackendStatus(context, call.BackendStatus!),
            ForwardingFailure.BackendStatus => false,
            ForwardingFailure.GatewayLimit => await GrpcErrorResponse.TryWriteAsync(context, StatusCode.DeadlineExceeded,
                "The call took longer than the gateway allows for a unary call."),
            ForwardingFailure.CallerDeadline => await GrpcErrorResponse.TryWriteAsync(context, StatusCode.DeadlineExceeded,
                "The call's deadline passed before the service answered."),
            ForwardingFailure.BackendSilent => await GrpcErrorResponse.TryWriteAsync(context, StatusCode.DeadlineExceeded,
                "The service sent nothing for longer than the gateway waits."),
            ForwardingFailure.StreamReset => await GrpcErrorResponse.TryWriteAsync(context, StatusCode.Internal,
                "The service ended the call without a status."),
            ForwardingFailure.GatewayStopping => await GrpcErrorResponse.TryWriteRetryLaterAsync(context, StatusCode.Unavailable,
                GatewayStoppingMessage, shutdown.StreamRetryDelay),
            ForwardingFailure.CallerBodyUnreadable => await GrpcErrorResponse.TryWriteAsync(context, StatusCode.InvalidArgument,
                "The request body could not be read: it ended early or did not match its framing."),
            ForwardingFailure.CallerBodyTooLarge => await GrpcErrorResponse.TryWriteAsync(context, StatusCode.ResourceExhausted,
                "The request body is larger than the gateway accepts."),
            ForwardingFailure.Interrupted => await GrpcErrorResponse.TryWriteRetryLaterAsync(context, StatusCode.Unavailable,
                "The call was interrupted between the gateway and the service; it may or may not have been carried out.", TimeSpan.FromSeconds(1)),
            _ => await GrpcErrorResponse.TryWriteRetryLaterAsync(context, StatusCode.Unavailable,
                "The service behind this call is not reachable right now; retry shortly.", TimeSpan.FromSeconds(1)),
        };

        if (!answered && call.DeferredReset?.RequestedErrorCode is not null)
        {
            call.DeferredReset.ResetNow();
        }
    }
}
