using Grpc.Core;

namespace MediaMesh.ServiceDefaults.Lifecycle;

/// <summary>
/// A server call context that is the incoming one in everything but its cancellation token. Its user
/// state carries the HttpContext under the key grpc-dotnet's GetHttpContext() falls back to, so the
/// handler (and the caller identity read from it) sees the same request.
/// </summary>
internal sealed class LinkedCancellationCallContext : ServerCallContext
{
    private const string HttpContextKey = "__HttpContext";
    private readonly ServerCallContext _inner;
    private readonly CancellationToken _cancellation;

    public LinkedCancellationCallContext(ServerCallContext inner, CancellationToken cancellation)
    {
        _inner = inner;
        _cancellation = cancellation;
        if (!inner.UserState.ContainsKey(HttpContextKey))
        {
            try
            {
                inner.UserState[HttpContextKey] = inner.GetHttpContext();
            }
            catch (InvalidOperationException)
            {
                // A context not hosted by ASP.NET Core (a unit test's): there is no HttpContext to carry.
            }
        }
    }

    protected override string MethodCore => _inner.Method;

    protected override string HostCore => _inner.Host;

    protected override string PeerCore => _inner.Peer;

    protected override DateTime DeadlineCore => _inner.Deadline;

    protected override Metadata RequestHeadersCore => _inner.RequestHeaders;

    protected override CancellationToken CancellationTokenCore => _cancellation;

    protected override Metadata ResponseTrailersCore => _inner.ResponseTrailers;

    protected override Status StatusCore
    {
        get => _inner.Status;
        set => _inner.Status = value;
    }

    protected override WriteOptions? WriteOptionsCore
    {
        get => _inner.WriteOptions;
        set => _inner.WriteOptions = value;
    }

    protected override AuthContext AuthContextCore => _inner.AuthContext;

    protected override IDictionary<object, object> UserStateCore => _inner.UserState;

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => _inner.CreatePropagationToken(options);

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => _inner.WriteResponseHeadersAsync(responseHeaders);
}
