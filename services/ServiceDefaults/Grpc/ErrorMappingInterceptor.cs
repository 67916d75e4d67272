using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using MediaMesh.Common.Errors;
using MediaMesh.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Status = Google.Rpc.Status;

namespace MediaMesh.ServiceDefaults.Grpc;

/// <summary>
/// The one place where failures become gRPC statuses. Domain refusals map to their canonical codes
/// with google.rpc details; anything unexpected becomes INTERNAL with a generic message and the
/// trace id, the exception itself going only to the log. A missing request message is
/// INVALID_ARGUMENT, never UNKNOWN. No handler throws RpcException itself: one that escapes comes from a
/// call to another service and follows <see cref="DependencyFailure"/>'s rule, never passed through raw.
/// Once the incoming call's own deadline has passed, a failure it caused is DEADLINE_EXCEEDED.
/// Every status is bounded by <see cref="StatusSize"/>, whatever the request held.
/// </summary>
public sealed partial class ErrorMappingInterceptor(ILogger<ErrorMappingInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(RequireRequest(request), context);
        }
        catch (Exception ex)
        {
            throw Map(ex, context);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(new MalformedMessageReader<TRequest>(requestStream, context), context);
        }
        catch (Exception ex)
        {
            throw Map(ex, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(RequireRequest(request), responseStream, context);
        }
        catch (Exception ex)
        {
            throw Map(ex, context);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(new MalformedMessageReader<TRequest>(requestStream, context), responseStream, context);
        }
        catch (Exception ex)
        {
            throw Map(ex, context);
        }
    }

    private static TRequest RequireRequest<TRequest>(TRequest request) =>
        request ?? throw ValidationFailedException.For("request", "a request message is required");

    private RpcException Map(Exception exception, ServerCallContext context)
    {
        var status = ToStatus(exception, context);
        if (status.Code == (int)Code.Internal)
        {
            LogUnexpected(logger, exception, context.Method);
        }
        else if (IsStorageFull(exception))
        {
            // The platform team's problem, not the caller's: logged with the OS error (which names the path).
            LogStorageFull(logger, (exception as StorageFullException)?.Cause ?? exception, context.Method);
        }
        else if (status.Code != (int)Code.Cancelled)
        {
            LogRefused(logger, context.Method, ((Code)status.Code).ToString(), status.Message);
        }

        return status.ToRpcException();
    }

    /// <summary>Maps an exception to the status a caller sees. Public so tests can check the table.</summary>
    public static Status ToStatus(Exception exception, ServerCallContext? context = null)
    {
        var status = Unbounded(exception, context);
        status.Message = StatusSize.Clip(status.Message, StatusSize.MaxMessageLength);
        return status;
    }

    private static Status Unbounded(Exception exception, ServerCallContext? context)
    {
        if (exception is IncomingStreamException incoming)
        {
            return new Status { Code = (int)incoming.Code, Message = incoming.Message };
        }

        if (exception is RpcException or HttpRequestException)
        {
            exception = DependencyFailure.From("a dependency", exception, context?.CancellationToken ?? CancellationToken.None);
        }

        if (exception is (OperationCanceledException or DependencyUnavailableException) && context is not null && context.Deadline <= DateTime.UtcNow)
        {
            return new Status { Code = (int)Code.DeadlineExceeded, Message = "The call's deadline passed before it completed." };
        }

        switch (exception)
        {
            case ValidationFailedException invalid:
                return InvalidArgument(invalid);
            case ResourceNotFoundException notFound:
                return WithDetail(Code.NotFound, notFound.Message, new ResourceInfo
                {
                    ResourceType = notFound.ResourceType,
                    ResourceName = StatusSize.Clip(notFound.ResourceId, StatusSize.MaxTextLength),
                });
            case AlreadyExistsException exists:
                return new Status { Code = (int)Code.AlreadyExists, Message = exists.Message };
            case EtagMismatchException or DbUpdateConcurrencyException:
                return new Status
                {
                    Code = (int)Code.Aborted,
                    Message = exception is EtagMismatchException ? exception.Message : "The resource was changed concurrently; read it again and retry.",
                };
            case PreconditionFailedException precondition:
                var failure = new PreconditionFailure();
                failure.Violations.Add(new PreconditionFailure.Types.Violation
                {
                    Type = precondition.ViolationType,
                    Subject = StatusSize.Clip(precondition.Subject, StatusSize.MaxTextLength),
                    Description = StatusSize.Clip(precondition.Message, StatusSize.MaxMessageLength),
                });
                var refused = WithDetail(Code.FailedPrecondition, precondition.Message, failure);
                if (precondition.RetryAfter is { } retryAfter)
                {
                    refused.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(retryAfter) }));
                }

                return refused;
            case PermissionDeniedException denied:
                return new Status { Code = (int)Code.PermissionDenied, Message = denied.Message };
            case UnauthenticatedException unauthenticated:
                return new Status { Code = (int)Code.Unauthenticated, Message = unauthenticated.Message };
            case DependencyUnavailableException unavailable:
                return WithDetail(Code.Unavailable, unavailable.Message, new RetryInfo { RetryDelay = Duration.FromTimeSpan(TimeSpan.FromSeconds(1)) });
            case LimitExceededException limit:
                return new Status { Code = (int)Code.ResourceExhausted, Message = limit.Message };
            case DataIntegrityException integrity:
                return new Status { Code = (int)Code.DataLoss, Message = integrity.Message };
            case StorageFullException full:
                return new Status { Code = (int)Code.ResourceExhausted, Message = full.Message };
            case var full when IsStorageFull(full):
                return new Status
                {
                    Code = (int)Code.ResourceExhausted,
                    Message = "The service's storage is full; nothing more could be written. Retry once space is available again.",
                };
            case OperationCanceledException when context?.CancellationToken.IsCancellationRequested == true:
                return new Status { Code = (int)Code.Cancelled, Message = "The call was cancelled." };
            case var down when DatabaseFailure.IsUnavailable(down):
                return WithDetail(Code.Unavailable, "The service's database is not reachable at the moment; retry later.",
                    new RetryInfo { RetryDelay = Duration.FromTimeSpan(TimeSpan.FromSeconds(1)) });
            default:
                var traceId = Activity.Current?.TraceId.ToString() ?? "none";
                return WithDetail(Code.Internal, $"An internal error occurred. Trace id: {traceId}.",
                    new ErrorInfo { Reason = "INTERNAL", Domain = "mediamesh", Metadata = { ["trace_id"] = traceId } });
        }
    }

    private static Status InvalidArgument(ValidationFailedException invalid)
    {
        var badRequest = new BadRequest();
        foreach (var violation in invalid.Violations.Take(StatusSize.MaxFieldViolations))
        {
            var listed = new BadRequest.Types.FieldViolation
            {
                Field = StatusSize.Clip(violation.Field, StatusSize.MaxFieldLength),
                Description = StatusSize.Clip(violation.Description, StatusSize.MaxTextLength),
            };
            badRequest.FieldViolations.Add(listed);
            if (badRequest.CalculateSize() > StatusSize.MaxFieldViolationBytes)
            {
                badRequest.FieldViolations.Remove(listed);
                break;
            }
        }

        var message = badRequest.FieldViolations.Count < invalid.Violations.Count
            ? $"Invalid request: {invalid.Violations.Count} field violations; the first {badRequest.FieldViolations.Count} are listed."
            : invalid.Message;
        return WithDetail(Code.InvalidArgument, message, badRequest);
    }

    /// <summary>A full volume or quota (the media store's, the database's): RESOURCE_EXHAUSTED rather than INTERNAL or UNAVAILABLE.</summary>
    private static bool IsStorageFull(Exception exception) =>
        exception is StorageFullException || NoSpaceLeft.Is(exception) || DatabaseFailure.IsStorageFull(exception);

    private static Status WithDetail(Code code, string message, Google.Protobuf.IMessage detail) =>
        new() { Code = (int)code, Message = message, Details = { Any.Pack(detail) } };

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected failure in {Method}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method);

    [LoggerMessage(Level = LogLevel.Error, Message = "Storage full in {Method}: the call was refused with RESOURCE_EXHAUSTED")]
    private static partial void LogStorageFull(ILogger logger, Exception exception, string method);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused {Method}: {Code} {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string code, string reason);
}
