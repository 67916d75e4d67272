using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using MediaMesh.ServiceDefaults.Grpc;
using Grpc.Core;
using Status = Google.Rpc.Status;

namespace MediaMesh.Gateway.Errors;

/// <summary>
/// Refusals written by the gateway itself. gRPC and gRPC-Web callers get a trailers-only response
/// (HTTP 200, grpc-status/grpc-message/grpc-status-details-bin in the headers), which every gRPC
/// client reads as the call's status; a native gRPC call whose response has already started gets
/// the same fields as trailers. REST callers get the HTTP status that JSON transcoding would use
/// and a google.rpc.Status JSON body whose details carry "@type". Every header (retry-after
/// included) is set before the first byte of the body.
/// </summary>
public static class GrpcErrorResponse
{
    /// <summary>Renders google.rpc.Status with its details: Any needs the detail types to write "@type" and the fields.</summary>
    private static readonly JsonFormatter StatusJson = new(JsonFormatter.Settings.Default
        .WithTypeRegistry(ErrorDetailTypes.Registry));

    public static bool IsGrpc(HttpContext context) =>
        context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;

    public static bool IsGrpcWeb(HttpContext context) =>
        context.Request.ContentType?.StartsWith("application/grpc-web", StringComparison.OrdinalIgnoreCase) == true;

    public static Task WriteAsync(HttpContext context, StatusCode code, string message, IMessage? detail = null) =>
        TryWriteAsync(context, code, message, detail, retryAfter: null);

    /// <summary>A refusal the caller should retry: google.rpc.RetryInfo and a retry-after header (whole seconds, at least 1).</summary>
    public static Task WriteRetryLaterAsync(HttpContext context, StatusCode code, string message, TimeSpan retryAfter) =>
        TryWriteRetryLaterAsync(context, code, message, retryAfter);

    /// <summary>Writes the refusal; false if the response was too far gone for a status (the stream was aborted).</summary>
    public static Task<bool> TryWriteAsync(HttpContext context, StatusCode code, string message) =>
        TryWriteAsync(context, code, message, detail: null, retryAfter: null);

    public static Task<bool> TryWriteRetryLaterAsync(HttpContext context, StatusCode code, string message, TimeSpan retryAfter) =>
        TryWriteAsync(context, code, message, new RetryInfo { RetryDelay = Duration.FromTimeSpan(retryAfter) }, retryAfter);

    /// <summary>
    /// Gives a gRPC or gRPC-Web call the status its backend had already sent, byte for byte (YARP
    /// drops it when a later read or write of the call fails): trailers-only if nothing has been
    /// sent yet, trailers of a started native gRPC response otherwise.
    /// </summary>
    public static bool WriteBackendStatus(HttpContext context, Proxy.BackendGrpcStatus status)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            if (IsGrpcWeb(context) || !response.SupportsTrailers())
            {
                return false;
            }

            response.AppendTrailer("grpc-status", status.Code);
            AppendIfPresent(response.AppendTrailer, "grpc-message", status.Message);
            AppendIfPresent(response.AppendTrailer, "grpc-status-details-bin", status.DetailsBin);
            return true;
        }

        response.Clear();
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = IsGrpcWeb(context) ? context.Request.ContentType : "application/grpc";
        response.Headers["grpc-status"] = status.Code;
        AppendIfPresent((name, value) => response.Headers[name] = value, "grpc-message", status.Message);
        AppendIfPresent((name, value) => response.Headers[name] = value, "grpc-status-details-bin", status.DetailsBin);
        return true;
    }

    private static void AppendIfPresent(Action<string, Microsoft.Extensions.Primitives.StringValues> append, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            append(name, value);
        }
    }

    private static async Task<bool> TryWriteAsync(HttpContext context, StatusCode code, string message, IMessage? detail, TimeSpan? retryAfter)
    {
        var status = new Status { Code = (int)code, Message = message };
        if (detail is not null)
        {
            status.Details.Add(Any.Pack(detail));
        }

        var response = context.Response;
        if (response.HasStarted)
        {
            if (IsGrpc(context) && !IsGrpcWeb(context) && response.SupportsTrailers())
            {
                // Headers (and maybe messages) are out: the status goes in the trailers that end the stream.
                response.AppendTrailer("grpc-status", ((int)code).ToString(CultureInfo.InvariantCulture));
                response.AppendTrailer("grpc-message", Uri.EscapeDataString(message));
                if (detail is not null)
                {
                    response.AppendTrailer("grpc-status-details-bin", Convert.ToBase64String(status.ToByteArray()).TrimEnd('='));
                }

                return true;
            }

            // Too late for a status (gRPC-Web or REST body under way): end the stream abruptly.
            context.Abort();
            return false;
        }

        response.Clear();
        if (retryAfter is { } delay)
        {
            response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        if (IsGrpc(context))
        {
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = IsGrpcWeb(context) ? context.Request.ContentType : "application/grpc";
            response.Headers["grpc-status"] = ((int)code).ToString(CultureInfo.InvariantCulture);
            response.Headers["grpc-message"] = Uri.EscapeDataString(message);
            if (detail is not null)
            {
                response.Headers["grpc-status-details-bin"] = Convert.ToBase64String(status.ToByteArray()).TrimEnd('=');
            }

            return true;
        }

        response.StatusCode = HttpStatusFor(code);
        response.ContentType = "application/json";
        // Not RequestAborted: a refusal for a timed-out call is written after the timeout cancelled
        // that token. The body is small and Kestrel ends the write itself if the client has gone.
        await response.WriteAsync(StatusJson.Format(status), CancellationToken.None);
        return true;
    }

    /// <summary>The HTTP status of a gRPC code, as JSON transcoding and Google's API gateways map it.</summary>
    public static int HttpStatusFor(StatusCode code) => code switch
    {
        StatusCode.OK => StatusCodes.Status200OK,
        StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange => StatusCodes.Status400BadRequest,
        StatusCode.Unauthenticated => StatusCodes.Status401Unauthorized,
        StatusCode.PermissionDenied => StatusCodes.Status403Forbidden,
        StatusCode.NotFound => StatusCodes.Status404NotFound,
        StatusCode.AlreadyExists or StatusCode.Aborted => StatusCodes.Status409Conflict,
        StatusCode.ResourceExhausted => StatusCodes.Status429TooManyRequests,
        StatusCode.Cancelled => 499,
        StatusCode.Unimplemented => StatusCodes.Status501NotImplemented,
        StatusCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
        StatusCode.DeadlineExceeded => StatusCodes.Status504GatewayTimeout,
        _ => StatusCodes.Status500InternalServerError,
    };
}
