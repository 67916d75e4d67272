using Grpc.Core;
using Grpc.Core.Interceptors;
using MediaMesh.Common.Errors;

namespace MediaMesh.ServiceDefaults.Identity;

/// <summary>
/// Holds a service token to <see cref="ServiceCallAllowlist"/>: a service calling on its own behalf
/// is PERMISSION_DENIED for any method not granted to it on this service. Member tokens pass.
/// </summary>
public sealed class ServiceCallAuthorizationInterceptor(InternalTokenIdentity self) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Require(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Require(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Require(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Require(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Require(ServerCallContext context)
    {
        if (CallerIdentity.FromPrincipal(context.GetHttpContext().User) is { IsService: true } caller
            && !ServiceCallAllowlist.Allows(self.Name, caller.ServiceName!, context.Method))
        {
            throw new PermissionDeniedException($"The {caller.ServiceName} service may not call {context.Method} on its own behalf.");
        }
    }
}
