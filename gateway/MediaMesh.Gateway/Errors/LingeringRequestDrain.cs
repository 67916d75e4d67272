using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace MediaMesh.Gateway.Errors;

/// <summary>
/// An HTTP/1.1 caller (gRPC-Web, REST) refused before it has sent its whole body (no key, a message over the
/// limit, a backend's early status) is still writing when its answer is ready. Kestrel drains the rest for 5 s
/// at most, not configurable, then closes the connection, and the client reports the reset instead of the
/// status it was given. Like nginx's lingering close, the gateway completes the response and reads and
/// discards the rest for up to <see cref="MaxTime"/> (Kestrel's body-size limit and minimum data rate still
/// apply), so the caller sees its answer. HTTP/2 needs none of this: a stream ends without its body.
/// Not yet for a backend's early refusal: YARP's read of the body stays pending past the forwarding, and the
/// connection then closes as before (tests/Gateway.Tests/LingeringDrainTests.cs says so).
/// </summary>
public static class LingeringRequestDrain
{
    public static readonly TimeSpan MaxTime = TimeSpan.FromSeconds(30);

    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        await next(context);

        var request = context.Request;
        if (!(HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method))
            || !(HttpProtocol.IsHttp11(request.Protocol) || HttpProtocol.IsHttp10(request.Protocol))
            || context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != true
            || request.Headers.Expect.Count > 0 // the client waits for 100-continue and sends nothing after a final answer
            || context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        var body = request.BodyReader;
        try
        {
            if (Ended(body))
            {
                return;
            }

            await context.Response.CompleteAsync();
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            limit.CancelAfter(MaxTime);
            ReadResult read;
            do
            {
                read = await body.ReadAsync(limit.Token);
                body.AdvanceTo(read.Buffer.End);
            }
            while (!read.IsCompleted);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or BadHttpRequestException or InvalidOperationException)
        {
            // Too slow, too large or gone: Kestrel closes the connection, as it would have without the drain.
        }
    }

    /// <summary>
    /// Whether the body has been read to its end. Throws InvalidOperationException while another read is pending
    /// (YARP's, after a backend's early answer): nothing can be drained then.
    /// </summary>
    private static bool Ended(PipeReader body)
    {
        if (!body.TryRead(out var buffered))
        {
            return false;
        }

        var ended = buffered.IsCompleted && buffered.Buffer.IsEmpty;
        body.AdvanceTo(buffered.Buffer.End);
        return ended;
    }
}
