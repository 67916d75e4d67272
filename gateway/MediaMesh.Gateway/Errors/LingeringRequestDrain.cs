using Microsoft.AspNetCore.Http.Features;

namespace MediaMesh.Gateway.Errors;

/// <summary>
/// An HTTP/1.1 caller (gRPC-Web, REST) refused before it has sent its whole body (no key, a message over the
/// limit, a backend's early status) is still writing when its answer is ready. Kestrel drains the rest for 5 s
/// at most, not configurable, then closes the connection, and the client reports the reset instead of the
/// status it was given. Like nginx's lingering close, the gateway completes the response and reads and
/// discards the rest for up to <see cref="MaxTime"/> (Kestrel's body-size limit and minimum data rate still
/// apply), so the caller sees its answer. The body is read through a <see cref="DrainableRequestBodyStream"/>, so a
/// read the proxy cancelled or left behind when the backend answered early does not stop the drain.
/// HTTP/2 needs none of this: a stream ends without its body.
/// </summary>
public static partial class LingeringRequestDrain
{
    public static readonly TimeSpan MaxTime = TimeSpan.FromSeconds(30);

    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (!(HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method))
            || !(HttpProtocol.IsHttp11(request.Protocol) || HttpProtocol.IsHttp10(request.Protocol))
            || context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != true
            || request.Headers.Expect.Count > 0) // the client waits for 100-continue and sends nothing after a final answer
        {
            await next(context);
            return;
        }

        await using var body = new DrainableRequestBodyStream(request.Body);
        request.Body = body;
        try
        {
            await next(context);
        }
        finally
        {
            request.Body = body.Inner;
        }

        if (body.Ended)
        {
            return;
        }

        if (context.RequestAborted.IsCancellationRequested)
        {
            LogNotDrained(Logger(context), request.Path, request.ContentLength, "RequestAborted", "the caller went away or the call was aborted first");
            return;
        }

        try
        {
            await context.Response.CompleteAsync();
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            limit.CancelAfter(MaxTime);
            await body.DrainAsync(limit.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or BadHttpRequestException or InvalidOperationException)
        {
            // Too slow, too large or gone: Kestrel closes the connection, as it would have without the drain.
            LogNotDrained(Logger(context), request.Path, request.ContentLength, ex.GetType().Name, ex.Message);
        }
    }

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LingeringRequestDrain).FullName!);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "The rest of a refused request's body was not drained ({Path}, Content-Length {ContentLength}): {Reason}: {Detail}; the connection closes")]
    private static partial void LogNotDrained(ILogger logger, string path, long? contentLength, string reason, string detail);
}
