extern alias gateway;
using gateway::MediaMesh.Gateway.Proxy;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace MediaMesh.Gateway.Tests;

/// <summary>
/// How the gateway reads a failure YARP reports (<see cref="ForwardedCall.Classify"/>), without a server: who was at fault
/// decides whether the caller is answered, and with what.
/// </summary>
public sealed class ForwardedCallTests
{
    [Fact]
    public void A_failure_put_on_a_caller_who_is_still_there_is_answered_and_one_who_went_away_is_not()
    {
        // A bare HTTP 400 (what YARP leaves for RequestBodyClient) reaches a gRPC client as INTERNAL "Bad gRPC response".
        Assert.Equal(ForwardingFailure.Interrupted, Classify(ForwarderError.RequestBodyClient, new IOException("broken"), callerAborted: false));
        Assert.Equal(ForwardingFailure.Interrupted, Classify(ForwarderError.RequestCanceled, new OperationCanceledException(), callerAborted: false));
        Assert.Equal(ForwardingFailure.CallerGone, Classify(ForwarderError.RequestBodyClient, new IOException("broken"), callerAborted: true));
        Assert.Equal(ForwardingFailure.CallerGone, Classify(ForwarderError.Request, new HttpRequestException("refused"), callerAborted: true));
    }

    [Fact]
    public void A_request_body_the_gateway_could_not_read_is_the_callers_fault()
    {
        var unreadable = new AggregateException(new BadHttpRequestException("Unexpected end of request content.", StatusCodes.Status400BadRequest));
        var tooLarge = new IOException("copy failed", new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge));

        Assert.Equal(ForwardingFailure.CallerBodyUnreadable, Classify(ForwarderError.RequestBodyClient, unreadable, callerAborted: false));
        Assert.Equal(ForwardingFailure.CallerBodyTooLarge, Classify(ForwarderError.RequestBodyClient, tooLarge, callerAborted: false));
    }

    [Fact]
    public void A_backend_that_cannot_be_reached_or_resets_the_stream_is_the_backends_fault()
    {
        var reset = new HttpRequestException("reset", new HttpProtocolException(0x2, "INTERNAL_ERROR", null));

        Assert.Equal(ForwardingFailure.BackendUnreachable, Classify(ForwarderError.Request, new HttpRequestException("refused"), callerAborted: false));
        Assert.Equal(ForwardingFailure.StreamReset, Classify(ForwarderError.ResponseBodyDestination, reset, callerAborted: false));
        Assert.True(ForwardedCall.IsBackendsFault(ForwardingFailure.BackendUnreachable));
        Assert.False(ForwardedCall.IsBackendsFault(ForwardingFailure.Interrupted));
        Assert.False(ForwardedCall.IsBackendsFault(ForwardingFailure.CallerBodyUnreadable));
    }

    private static ForwardingFailure Classify(ForwarderError error, Exception exception, bool callerAborted)
    {
        var context = new DefaultHttpContext();
        context.Features.Set<IForwarderErrorFeature>(new Failure(error, exception));
        using var aborted = new CancellationTokenSource();
        if (callerAborted)
        {
            aborted.Cancel();
        }

        return new ForwardedCall(callerDeadline: null, aborted.Token, CancellationToken.None).Classify(context, DateTimeOffset.UtcNow);
    }

    private sealed record Failure(ForwarderError Error, Exception? Exception) : IForwarderErrorFeature;
}
