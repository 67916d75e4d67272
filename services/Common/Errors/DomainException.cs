namespace MediaMesh.Common.Errors;

/// <summary>
/// A refusal that callers should see with a precise gRPC status. Messages are written for members:
/// they must never contain internal details (SQL, stack traces, file paths).
/// </summary>
public abstract class DomainException(string message) : Exception(message);

/// <summary>One invalid field of a request, as in google.rpc.BadRequest.FieldViolation.</summary>
public sealed record FieldViolation(string Field, string Description);

/// <summary>The request is malformed: INVALID_ARGUMENT with BadRequest field violations.</summary>
public sealed class ValidationFailedException(IReadOnlyList<FieldViolation> violations)
    : DomainException(violations.Count == 1
        ? $"Invalid request: {violations[0].Field}: {violations[0].Description}"
        : $"Invalid request: {violations.Count} field violations.")
{
    public IReadOnlyList<FieldViolation> Violations { get; } = violations;

    public static ValidationFailedException For(string field, string description) => new([new FieldViolation(field, description)]);
}

/// <summary>The named resource does not exist (or the caller may not know it exists): NOT_FOUND.</summary>
public sealed class ResourceNotFoundException(string resourceType, string id)
    : DomainException($"{resourceType} '{id}' was not found.")
{
    public string ResourceType { get; } = resourceType;
    public string ResourceId { get; } = id;
}

/// <summary>A resource with the same identity already exists: ALREADY_EXISTS.</summary>
public sealed class AlreadyExistsException(string message) : DomainException(message);

/// <summary>The caller's etag is stale: ABORTED, re-read and retry.</summary>
public sealed class EtagMismatchException(string resourceType, string id)
    : DomainException($"{resourceType} '{id}' was changed by someone else; read it again and retry with the new etag.");

/// <summary>
/// The resource is not in a state that allows the operation: FAILED_PRECONDITION. <see cref="RetryAfter"/>,
/// when the state is known to change by itself (a lease that runs out), tells the caller when trying again can succeed.
/// </summary>
public sealed class PreconditionFailedException(string message, string violationType = "STATE", string subject = "", TimeSpan? retryAfter = null)
    : DomainException(message)
{
    public string ViolationType { get; } = violationType;
    public string Subject { get; } = subject;
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>The caller is known but may not do this: PERMISSION_DENIED.</summary>
public sealed class PermissionDeniedException(string message) : DomainException(message);

/// <summary>The caller presented no valid identity: UNAUTHENTICATED.</summary>
public sealed class UnauthenticatedException(string message) : DomainException(message);

/// <summary>A service this call depends on did not answer in time: UNAVAILABLE; nothing was written.</summary>
public sealed class DependencyUnavailableException(string dependency)
    : DomainException($"The {dependency} service is unavailable; nothing was changed. Retry later.")
{
    public string Dependency { get; } = dependency;
}

/// <summary>A quota or configured limit was reached: RESOURCE_EXHAUSTED.</summary>
public sealed class LimitExceededException(string message) : DomainException(message);

/// <summary>Stored data failed an integrity check (e.g. checksum mismatch): DATA_LOSS.</summary>
public sealed class DataIntegrityException(string message) : DomainException(message);

/// <summary>
/// The storage the operation writes to is full (ENOSPC) or the owner's quota is used up (EDQUOT):
/// RESOURCE_EXHAUSTED. What was already durable stays; the caller retries once space is freed.
/// </summary>
public sealed class StorageFullException(string message, Exception? cause = null) : DomainException(message)
{
    /// <summary>The OS failure behind it, for the log only (its message names paths).</summary>
    public Exception? Cause { get; } = cause;
}
