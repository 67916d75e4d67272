using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace MediaMesh.ServiceDefaults.Lifecycle;

/// <summary>
/// Ends the streams of a stopping process with a status a client resumes from. A stream handler sees a
/// call context whose cancellation token also fires when <see cref="GracefulShutdown.StreamsEnding"/> does;
/// the handler stops as it would for a client that went away, and the caller is told UNAVAILABLE with
/// RetryInfo ("this replica is going away; call again") instead of a reset stream. A stream asked for
/// after that point is refused the same way. Unary calls are not touched: the server lets them finish.
/// Registered outermost, so the status it gives is the one the caller sees.
/// </summary>
public sealed class StreamShutdownInterceptor(GracefulShutdown shutdown) : Interceptor
{
    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        using var stream = Open(context);
        try
        {
            return await continuation(requestStream, stream.Context);
        }
        catch (Exception) when (stream.EndedByShutdown)
        {
            throw Ended();
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        using var stream = Open(context);
        try
        {
            await continuation(request, responseStream, stream.Context);
        }
        catch (Exception) when (stream.EndedByShutdown)
        {
            throw Ended();
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        using var stream = Open(context);
        try
        {
            await continuation(requestStream, responseStream, stream.Context);
        }
        catch (Exception) when (stream.EndedByShutdown)
        {
            throw Ended();
        }
    }

    private ShutdownAwareStream Open(ServerCallContext context) =>
        shutdown.StreamsEnding.IsCancellationRequested ? throw Ended() : new ShutdownAwareStream(context, shutdown.StreamsEnding);

    private RpcException Ended() => new Google.Rpc.Status
    {
        Code = (int)Code.Unavailable,
        Message = "This replica of the service is shutting down; call again to continue (another replica takes the call).",
        Details = { Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(shutdown.StreamRetryDelay) }) },
    }.ToRpcException();

    /// <summary>A stream's call context with the shutdown joined to its cancellation.</summary>
    private sealed class ShutdownAwareStream : IDisposable
    {
        private readonly CancellationTokenSource _linked;
        private readonly ServerCallContext _call;
        private readonly CancellationToken _shutdown;

        public ShutdownAwareStream(ServerCallContext call, CancellationToken shutdown)
        {
            _call = call;
            _shutdown = shutdown;
            _linked = CancellationTokenSource.CreateLinkedTokenSource(call.CancellationToken, shutdown);
            Context = new LinkedCancellationCallContext(call, _linked.Token);
        }

        public ServerCallContext Context { get; }

        /// <summary>The shutdown, not the caller (gone, or out of time), is what stopped the handler.</summary>
        public bool EndedByShutdown => _shutdown.IsCancellationRequested && !_call.CancellationToken.IsCancellationRequested;

        public void Dispose() => _linked.Dispose();
    }
}
