using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Status = Google.Rpc.Status;

namespace MediaMesh.Gateway.Errors;

/// <summary>
/// Refusals written by the gateway itself. gRPC and gRPC-Web callers get a trailers-only response
/// (HTTP 200, grpc-status/grpc-message/grpc-status-details-bin in the headers), which every gRPC
/// client reads as the call's status. REST callers get the HTTP status that JSON transcoding would
/// use and a google.rpc.Status JSON body.
/// </summary>
public static class GrpcErrorResponse
{
    public static bool IsGrpc(HttpContext context) =>
        context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;

    public static Task WriteAsync(HttpContext context, StatusCode code, string message, IMessage? detail = null)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            // Too late for a status: the best the gateway can do is end the stream abruptly.
            context.Abort();
            return Task.CompletedTask;
        }

        response.Clear();
        var status = new Status { Code = (int)code, Message = message };
        if (detail is not null)
        {
            status.Details.Add(Any.Pack(detail));
        }

        if (IsGrpc(context))
        {
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = context.Request.ContentType!.StartsWith("application/grpc-web", StringComparison.OrdinalIgnoreCase)
                ? context.Request.ContentType
                : "application/grpc";
            response.Headers["grpc-status"] = ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
            response.Headers["grpc-message"] = Uri.EscapeDataString(message);
            if (detail is not null)
            {
                response.Headers["grpc-status-details-bin"] = Convert.ToBase64String(status.ToByteArray()).TrimEnd('=');
            }

            return Task.CompletedTask;
        }

        response.StatusCode = HttpStatusFor(code);
        response.ContentType = "application/json";
        return response.WriteAsync(JsonFormatter.Default.Format(status), context.RequestAborted);
    }

    /// <summary>RESOURCE_EXHAUSTED with google.rpc.RetryInfo and a retry-after header (seconds).</summary>
    public static Task WriteRetryLaterAsync(HttpContext context, StatusCode code, string message, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        var task = WriteAsync(context, code, message, new RetryInfo { RetryDelay = Duration.FromTimeSpan(retryAfter) });
        if (!context.Response.HasStarted)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return task;
    }

    public static int HttpStatusFor(StatusCode code) => code switch
    {
        StatusCode.OK => StatusCodes.Status200OK,
        StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange => StatusCodes.Status400BadRequest,
        StatusCode.Unauthenticated => StatusCodes.Status401Unauthorized,
        StatusCode.PermissionDenied => StatusCodes.Status403Forbidden,
        StatusCode.NotFound or StatusCode.Unimplemented => StatusCodes.Status404NotFound,
        StatusCode.AlreadyExists or StatusCode.Aborted => StatusCodes.Status409Conflict,
        StatusCode.ResourceExhausted => StatusCodes.Status429TooManyRequests,
        StatusCode.Cancelled => 499,
        StatusCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
        StatusCode.DeadlineExceeded => StatusCodes.Status504GatewayTimeout,
        _ => StatusCodes.Status500InternalServerError,
    };
}
