using Grpc.Core;
using Grpc.Core.Interceptors;

namespace MediaMesh.Client;

/// <summary>
/// What every call through a <see cref="MediaMeshClient"/> gets: the member's key, a deadline on unary
/// calls that set none, and failures as <see cref="MediaMeshException"/>. Streams keep the caller's
/// deadline (they are long-lived by nature; their helpers detect stalls instead).
/// </summary>
internal sealed class CallDefaultsInterceptor(string? apiKey, TimeSpan unaryDeadline) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(request, Prepare(context, unary: true));
        return new AsyncUnaryCall<TResponse>(Translate(call.ResponseAsync), Translate(call.ResponseHeadersAsync),
            call.GetStatus, call.GetTrailers, call.Dispose);
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context, BlockingUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        try
        {
            return continuation(request, Prepare(context, unary: true));
        }
        catch (RpcException e)
        {
            throw MediaMeshException.From(e);
        }
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(request, Prepare(context, unary: false));
        return new AsyncServerStreamingCall<TResponse>(new TranslatingReader<TResponse>(call.ResponseStream),
            Translate(call.ResponseHeadersAsync), call.GetStatus, call.GetTrailers, call.Dispose);
    }

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(Prepare(context, unary: false));
        return new AsyncClientStreamingCall<TRequest, TResponse>(new TranslatingWriter<TRequest>(call.RequestStream),
            Translate(call.ResponseAsync), Translate(call.ResponseHeadersAsync), call.GetStatus, call.GetTrailers, call.Dispose);
    }

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(Prepare(context, unary: false));
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(new TranslatingWriter<TRequest>(call.RequestStream),
            new TranslatingReader<TResponse>(call.ResponseStream), Translate(call.ResponseHeadersAsync),
            call.GetStatus, call.GetTrailers, call.Dispose);
    }

    private ClientInterceptorContext<TRequest, TResponse> Prepare<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context, bool unary)
        where TRequest : class
        where TResponse : class
    {
        var options = context.Options;
        var headers = options.Headers ?? new Metadata();
        if (apiKey is not null && headers.Get("authorization") is null)
        {
            headers.Add("authorization", "Bearer " + apiKey);
        }

        options = options.WithHeaders(headers);
        if (unary && options.Deadline is null)
        {
            options = options.WithDeadline(DateTime.UtcNow + unaryDeadline);
        }

        return new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, options);
    }

    private static async Task<T> Translate<T>(Task<T> task)
    {
        try
        {
            return await task.ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            throw MediaMeshException.From(e);
        }
    }

    private sealed class TranslatingReader<T>(IAsyncStreamReader<T> inner) : IAsyncStreamReader<T>
    {
        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            try
            {
                return await inner.MoveNext(cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException e)
            {
                throw MediaMeshException.From(e);
            }
        }
    }

    private sealed class TranslatingWriter<T>(IClientStreamWriter<T> inner) : IClientStreamWriter<T>
    {
        public WriteOptions? WriteOptions
        {
            get => inner.WriteOptions;
            set => inner.WriteOptions = value;
        }

        public Task CompleteAsync() => Translate(inner.CompleteAsync());

        public Task WriteAsync(T message) => Translate(inner.WriteAsync(message));

        public Task WriteAsync(T message, CancellationToken cancellationToken) => Translate(inner.WriteAsync(message, cancellationToken));

        private static async Task Translate(Task task)
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (RpcException e)
            {
                throw MediaMeshException.From(e);
            }
        }
    }
}
