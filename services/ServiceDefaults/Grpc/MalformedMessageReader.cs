using Grpc.AspNetCore.Server;
using Grpc.Core;
using MediaMesh.Common.Errors;

namespace MediaMesh.ServiceDefaults.Grpc;

/// <summary>
/// A client stream's reader whose failures on the caller's bytes are the caller's: a message that does not
/// parse or a broken frame (grpc-dotnet's INTERNAL "Incomplete message", a bad compressed flag, a compressed
/// message without grpc-encoding), or bad base64 in grpc-web-text, become INVALID_ARGUMENT on "request"; a
/// message over the size limit RESOURCE_EXHAUSTED; grpc-dotnet's other refusals keep their status.
/// </summary>
public sealed class MalformedMessageReader<T>(IAsyncStreamReader<T> inner, ServerCallContext context) : IAsyncStreamReader<T>
{
    public T Current => inner.Current;

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        try
        {
            return await inner.MoveNext(cancellationToken);
        }
        catch (Exception e) when (GrpcRequestFraming.IsUnparsable(e))
        {
            throw ValidationFailedException.For(MalformedGrpcRequestGuard.MalformedRequestField,
                $"a message of the stream is not a valid {typeof(T).Name} ({GrpcRequestFraming.Describe(e)})");
        }
        catch (InvalidDataException)
        {
            throw ValidationFailedException.For(MalformedGrpcRequestGuard.MalformedRequestField, "a message prefix's compressed flag is neither 0 nor 1");
        }
        catch (InvalidOperationException) when (GrpcWebText.Is(context.GetHttpContext()))
        {
            throw ValidationFailedException.For(MalformedGrpcRequestGuard.MalformedRequestField, "the grpc-web-text body is not valid base64");
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Internal)
        {
            throw ValidationFailedException.For(MalformedGrpcRequestGuard.MalformedRequestField, $"the stream's framing is broken ({e.Status.Detail.TrimEnd('.')})");
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted)
        {
            throw new LimitExceededException(e.Status.Detail);
        }
        catch (RpcException e)
        {
            // An encoding the server does not speak (UNIMPLEMENTED), a read cancelled: about this call, not a dependency's answer.
            throw new IncomingStreamException(e);
        }
    }
}

/// <summary>grpc-dotnet refused the incoming stream itself; the caller sees that status as it is.</summary>
public sealed class IncomingStreamException(RpcException refusal) : Exception(refusal.Status.Detail, refusal)
{
    public StatusCode Code { get; } = refusal.StatusCode;
}
