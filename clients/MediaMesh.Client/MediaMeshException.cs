using Google.Rpc;
using Grpc.Core;

namespace MediaMesh.Client;

/// <summary>
/// Every refusal or failure of a MediaMesh call: the gRPC status code and message with the decoded
/// <c>google.rpc</c> details. It is an <see cref="RpcException"/>, so code that already catches that keeps working.
/// </summary>
public sealed class MediaMeshException : RpcException
{
    public MediaMeshException(Grpc.Core.Status status, Metadata trailers, string? message = null)
        : base(status, trailers, message ?? $"{status.StatusCode}: {status.Detail}")
    {
        var details = trailers.GetRpcStatus();
        if (details is null)
        {
            return;
        }

        BadRequest = details.GetDetail<BadRequest>();
        PreconditionFailure = details.GetDetail<PreconditionFailure>();
        RetryInfo = details.GetDetail<RetryInfo>();
        ResourceInfo = details.GetDetail<ResourceInfo>();
        ErrorInfo = details.GetDetail<ErrorInfo>();
    }

    /// <summary>A failure of the SDK's own checks (e.g. a download whose SHA-256 does not match).</summary>
    public MediaMeshException(StatusCode code, string message)
        : this(new Grpc.Core.Status(code, message), new Metadata())
    {
    }

    /// <summary>The call's status code.</summary>
    public StatusCode Code => StatusCode;

    /// <summary>The server's message (never exception text).</summary>
    public string Detail => Status.Detail;

    /// <summary>INVALID_ARGUMENT: one violation per bad field (proto field paths).</summary>
    public BadRequest? BadRequest { get; }

    /// <summary>FAILED_PRECONDITION: which precondition failed, on what.</summary>
    public PreconditionFailure? PreconditionFailure { get; }

    /// <summary>UNAVAILABLE / RESOURCE_EXHAUSTED: when to try again.</summary>
    public RetryInfo? RetryInfo { get; }

    /// <summary>NOT_FOUND: which resource.</summary>
    public ResourceInfo? ResourceInfo { get; }

    /// <summary>INTERNAL: the trace id to quote to the platform team.</summary>
    public ErrorInfo? ErrorInfo { get; }

    /// <summary>The field violations, empty when there are none.</summary>
    public IReadOnlyList<BadRequest.Types.FieldViolation> FieldViolations =>
        BadRequest?.FieldViolations.ToArray() ?? [];

    /// <summary>The precondition violations, empty when there are none.</summary>
    public IReadOnlyList<PreconditionFailure.Types.Violation> PreconditionViolations =>
        PreconditionFailure?.Violations.ToArray() ?? [];

    /// <summary>The server's suggested wait, if it gave one.</summary>
    public TimeSpan? RetryDelay => RetryInfo?.RetryDelay?.ToTimeSpan();

    /// <summary>Wraps an <see cref="RpcException"/> (returned unchanged if it already is one).</summary>
    public static MediaMeshException From(RpcException exception) =>
        exception as MediaMeshException ?? new MediaMeshException(exception.Status, exception.Trailers);
}
