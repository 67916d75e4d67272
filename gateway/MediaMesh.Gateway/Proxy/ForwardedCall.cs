using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Timeouts;
using Yarp.ReverseProxy.Forwarder;

namespace MediaMesh.Gateway.Proxy;

/// <summary>How a forwarded call that YARP reports as failed really ended, and whose doing it was.</summary>
public enum ForwardingFailure
{
    /// <summary>YARP reports no error.</summary>
    None,

    /// <summary>The caller went away (cancelled or disconnected): nothing to answer.</summary>
    CallerGone,

    /// <summary>The gateway's own limit on unary calls (UnaryCallTimeout) ended the call.</summary>
    GatewayLimit,

    /// <summary>The backend had already given the call its gRPC status (e.g. a trailers-only DEADLINE_EXCEEDED or UNIMPLEMENTED before it read the body); the failure came after.</summary>
    BackendStatus,

    /// <summary>The caller's own deadline (grpc-timeout) has passed.</summary>
    CallerDeadline,

    /// <summary>No backend could be reached, or the connection to it broke.</summary>
    BackendUnreachable,

    /// <summary>The backend sent nothing for the cluster's ActivityTimeout.</summary>
    BackendSilent,

    /// <summary>The backend reset the stream without a status.</summary>
    StreamReset,

    /// <summary>The gateway is stopping and ended the stream itself (the caller resumes elsewhere or after the restart).</summary>
    GatewayStopping,

    /// <summary>The caller's request body could not be read (it broke off or did not match its framing) while the caller is still there.</summary>
    CallerBodyUnreadable,

    /// <summary>The caller's request body was larger than the gateway accepts (a REST body over Kestrel's limit).</summary>
    CallerBodyTooLarge,

    /// <summary>
    /// YARP put the failure on the caller's side, but the caller is still there to be answered: the forwarding broke
    /// between the gateway and the backend (seen with a backend killed mid-call). Not counted against the backend.
    /// </summary>
    Interrupted,
}

/// <summary>
/// What the gateway knows about one forwarded call beyond YARP's error code: the caller's deadline
/// (from grpc-timeout, taken when the call arrived) and the backend's response, whose grpc-status
/// YARP throws away when a later read or write fails. <see cref="Classify"/> is the one rule that
/// both the error answer (<see cref="ProxyErrorMiddleware"/>) and passive health
/// (<see cref="GrpcAwarePassiveHealthPolicy"/>) follow. A stream runs with its own cancellation in place of
/// the caller's (<see cref="ProxyErrorMiddleware"/>), so whether the caller went away is asked of
/// <paramref name="callerAborted"/>, the token the call arrived with.
/// </summary>
public sealed class ForwardedCall(DateTimeOffset? callerDeadline, CancellationToken callerAborted, CancellationToken gatewayStopping)
{
    private const int Http2RefusedStream = 0x7;
    private const int Http2Cancel = 0x8;

    private ForwardingFailure? _failure;

    public DateTimeOffset? CallerDeadline { get; } = callerDeadline;

    /// <summary>The backend's response message once its headers arrived (set by a response transform).</summary>
    public HttpResponseMessage? BackendResponse { get; set; }

    /// <summary>The reset YARP asked for on the caller's stream, held back until the gateway decides (native gRPC over HTTP/2 only).</summary>
    public DeferredReset? DeferredReset { get; set; }

    /// <summary>The status the backend already sent: in the headers of a trailers-only answer, or in trailers that arrived.</summary>
    public BackendGrpcStatus? BackendStatus =>
        BackendResponse is null ? null : BackendGrpcStatus.From(BackendResponse.Headers) ?? BackendGrpcStatus.From(BackendResponse.TrailingHeaders);

    /// <summary>A failure caused by the backend (not by the caller, its deadline or the gateway's limit): the only kind passive health counts.</summary>
    public static bool IsBackendsFault(ForwardingFailure failure) =>
        failure is ForwardingFailure.BackendUnreachable or ForwardingFailure.BackendSilent or ForwardingFailure.StreamReset;

    /// <summary>Parses grpc-timeout ("100m", "5S", …: at most 8 digits and a unit) into the caller's deadline.</summary>
    public static DateTimeOffset? DeadlineFrom(string? grpcTimeout, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(grpcTimeout) || grpcTimeout.Length is < 2 or > 9
            || !long.TryParse(grpcTimeout.AsSpan(0, grpcTimeout.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return null;
        }

        TimeSpan? timeout = grpcTimeout[^1] switch
        {
            'H' => TimeSpan.FromHours(value),
            'M' => TimeSpan.FromMinutes(value),
            'S' => TimeSpan.FromSeconds(value),
            'm' => TimeSpan.FromMilliseconds(value),
            'u' => TimeSpan.FromMicroseconds(value),
            'n' => TimeSpan.FromTicks(value / 100),
            _ => null,
        };
        return timeout is { } t ? now + t : null;
    }

    /// <summary>Classifies the call once (the result is kept, so health and the answer agree).</summary>
    public ForwardingFailure Classify(HttpContext context, DateTimeOffset now) => _failure ??= ClassifyNow(context, now);

    private ForwardingFailure ClassifyNow(HttpContext context, DateTimeOffset now)
    {
        var error = context.Features.Get<IForwarderErrorFeature>();
        if (error is null || error.Error == ForwarderError.None)
        {
            return ForwardingFailure.None;
        }

        if (context.Features.Get<IHttpRequestTimeoutFeature>()?.RequestTimeoutToken.IsCancellationRequested == true)
        {
            return ForwardingFailure.GatewayLimit;
        }

        if (BackendStatus is not null)
        {
            return ForwardingFailure.BackendStatus;
        }

        if (CallerDeadline <= now)
        {
            return ForwardingFailure.CallerDeadline;
        }

        if (gatewayStopping.IsCancellationRequested && !callerAborted.IsCancellationRequested)
        {
            return ForwardingFailure.GatewayStopping;
        }

        if (callerAborted.IsCancellationRequested)
        {
            return ForwardingFailure.CallerGone;
        }

        if (error.Error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyCanceled
            or ForwarderError.RequestBodyClient or ForwarderError.ResponseBodyClient)
        {
            // YARP blames the caller, who has not gone away and must get a status (a bare HTTP 400 is INTERNAL to a gRPC client).
            return Find<BadHttpRequestException>(error.Exception) switch
            {
                { StatusCode: StatusCodes.Status413PayloadTooLarge } => ForwardingFailure.CallerBodyTooLarge,
                not null => ForwardingFailure.CallerBodyUnreadable,
                null => ForwardingFailure.Interrupted,
            };
        }

        if (error.Error == ForwarderError.RequestTimedOut)
        {
            return ForwardingFailure.BackendSilent;
        }

        return ResetCode(error.Exception) switch
        {
            null or Http2RefusedStream => ForwardingFailure.BackendUnreachable,
            Http2Cancel => ForwardingFailure.CallerGone,
            _ => ForwardingFailure.StreamReset,
        };
    }

    /// <summary>The HTTP/2 error code of a stream reset somewhere in the exception chain; null for connection-level failures.</summary>
    private static int? ResetCode(Exception? exception) => Find<HttpProtocolException>(exception) is { } protocol ? (int)protocol.ErrorCode : null;

    /// <summary>The first exception of type <typeparamref name="T"/> in the chain (inner and aggregated exceptions included).</summary>
    private static T? Find<T>(Exception? exception)
        where T : Exception
    {
        var pending = new Stack<Exception>();
        if (exception is not null)
        {
            pending.Push(exception);
        }

        while (pending.TryPop(out var current))
        {
            if (current is T found)
            {
                return found;
            }

            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (current.InnerException is not null)
            {
                pending.Push(current.InnerException);
            }
        }

        return null;
    }
}

/// <summary>A gRPC status exactly as the backend wrote it (message still percent-encoded, details still base64).</summary>
public sealed record BackendGrpcStatus(string Code, string? Message, string? DetailsBin)
{
    public static BackendGrpcStatus? From(HttpHeaders headers) =>
        headers.TryGetValues("grpc-status", out var codes) && codes.FirstOrDefault() is { } code
            ? new BackendGrpcStatus(code, First(headers, "grpc-message"), First(headers, "grpc-status-details-bin"))
            : null;

    private static string? First(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}

/// <summary>
/// Stands in for the caller's stream reset so that a gRPC call YARP would cut with a bare
/// RST_STREAM can still end with a status in its trailers; the gateway resets for real only when
/// it has no status to give.
/// </summary>
public sealed class DeferredReset(IHttpResetFeature inner) : IHttpResetFeature
{
    public int? RequestedErrorCode { get; private set; }

    public void Reset(int errorCode) => RequestedErrorCode ??= errorCode;

    public void ResetNow() => inner.Reset(RequestedErrorCode ?? 0x2);
}
