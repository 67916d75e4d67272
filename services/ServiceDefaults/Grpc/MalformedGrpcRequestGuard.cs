using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using MediaMesh.Common.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MediaMesh.ServiceDefaults.Grpc;

/// <summary>
/// Reads the body of a unary or server-streaming gRPC call (native or gRPC-Web) before grpc-dotnet does and
/// refuses one that <see cref="GrpcRequestFraming"/> finds malformed with INVALID_ARGUMENT (BadRequest on
/// "request"), a body over the message size limit with RESOURCE_EXHAUSTED; a well-formed body is handed on
/// unchanged. Client streams are checked message by message in <see cref="MalformedMessageReader{T}"/>. A POST to a
/// gRPC method's path with another content type is HTTP 415 with INVALID_ARGUMENT on "content-type".
/// </summary>
public sealed partial class MalformedGrpcRequestGuard(RequestDelegate next, IOptions<GrpcServiceOptions> grpcOptions, ILogger<MalformedGrpcRequestGuard> logger)
{
    private static readonly ConcurrentDictionary<IMethod, RequestMessage?> RequestMessages = new();

    private readonly int _maxMessageLength = grpcOptions.Value.MaxReceiveMessageSize ?? int.MaxValue;

    public async Task InvokeAsync(HttpContext context)
    {
        var method = context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method;
        var isGrpc = context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;
        if (method is not null && !isGrpc && HttpMethods.IsPost(context.Request.Method) && context.Request.Path == method.FullName)
        {
            // grpc-dotnet answers 415 with grpc-status INTERNAL; the caller sent the wrong content type.
            Refuse(context, method, ValidationFailedException.For("content-type",
                "a gRPC method takes application/grpc or application/grpc-web (REST callers use the documented HTTP paths with JSON)"),
                StatusCodes.Status415UnsupportedMediaType);
            return;
        }

        if (method is null
            || method.Type is not (MethodType.Unary or MethodType.ServerStreaming)
            || !HttpMethods.IsPost(context.Request.Method)
            || !isGrpc
            || RequestMessages.GetOrAdd(method, RequestMessage.Of) is not { } message)
        {
            await next(context);
            return;
        }

        // Kestrel's 30 MB whole-body limit (checked against a Content-Length the caller or a proxy sent) is lifted as
        // grpc-dotnet lifts it for its calls: the message size limit below is the one that applies.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = null;
        }

        var reader = context.Request.BodyReader;
        ReadOnlySequence<byte> body;
        try
        {
            body = await ReadWholeBodyAsync(reader, (long)_maxMessageLength + GrpcRequestFraming.PrefixLength, context.RequestAborted);
        }
        catch (InvalidOperationException) when (GrpcWebText.Is(context))
        {
            Refuse(context, method, ValidationFailedException.For(MalformedRequestField, "the grpc-web-text body is not valid base64"));
            return;
        }
        catch (Exception e) when (e is BodyTooLargeException or BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            Refuse(context, method, new LimitExceededException($"The request message is larger than the limit of {_maxMessageLength} bytes."));
            return;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or BadHttpRequestException)
        {
            // The caller reset the stream or went away while sending: there is no one to answer.
            return;
        }

        var bytes = body.ToArray();
        reader.AdvanceTo(body.End);

        if (GrpcRequestFraming.Check(bytes, context.Request.Headers["grpc-encoding"], _maxMessageLength, message.Parser, message.Name) is { } malformed)
        {
            Refuse(context, method, ValidationFailedException.For(MalformedRequestField, malformed));
            return;
        }

        context.Request.Body = new MemoryStream(bytes, writable: false);
        context.Features.Set<IRequestBodyPipeFeature>(new BufferedBody(PipeReader.Create(new ReadOnlySequence<byte>(bytes))));
        await next(context);
    }

    /// <summary>The field a refusal of unreadable bytes names: the request as a whole.</summary>
    public const string MalformedRequestField = "request";

    private static async Task<ReadOnlySequence<byte>> ReadWholeBodyAsync(PipeReader reader, long limit, CancellationToken ct)
    {
        while (true)
        {
            var result = await reader.ReadAsync(ct);
            if (result.Buffer.Length > limit)
            {
                reader.AdvanceTo(result.Buffer.End);
                throw new BodyTooLargeException();
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                return result.Buffer;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    /// <summary>A trailers-only answer, as grpc-dotnet writes one; the gRPC-Web middleware turns it into gRPC-Web.</summary>
    private void Refuse(HttpContext context, IMethod method, DomainException refusal, int httpStatus = StatusCodes.Status200OK)
    {
        var status = ErrorMappingInterceptor.ToStatus(refusal);
        LogRefused(logger, method.FullName, ((StatusCode)status.Code).ToString(), status.Message);
        var response = context.Response;
        response.StatusCode = httpStatus;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = status.Code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = Uri.EscapeDataString(status.Message);
        response.Headers["grpc-status-details-bin"] = Convert.ToBase64String(status.ToByteArray());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused {Method}: {Code} {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string code, string reason);

    private sealed class BodyTooLargeException : Exception;

    private sealed class BufferedBody(PipeReader reader) : IRequestBodyPipeFeature
    {
        public PipeReader Reader { get; } = reader;
    }

    /// <summary>A generated protobuf request type: its parser and full name.</summary>
    private sealed record RequestMessage(MessageParser Parser, string Name)
    {
        public static RequestMessage? Of(IMethod method)
        {
            var requestType = method.GetType().IsGenericType ? method.GetType().GetGenericArguments()[0] : null;
            var parser = requestType?.GetProperty("Parser", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as MessageParser;
            var descriptor = requestType?.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as MessageDescriptor;
            return parser is null ? null : new RequestMessage(parser, descriptor?.FullName ?? requestType!.Name);
        }
    }
}
