using Grpc.Core;
using MediaMesh.Common.Errors;

namespace MediaMesh.ServiceDefaults.Grpc;

/// <summary>
/// The one rule for what a caller is told when a call this service made to another MediaMesh service
/// failed. The dependency's status is about our request to it, not about the caller's call, so it is
/// never passed through:
/// <list type="bullet">
/// <item>our caller cancelled, or its own deadline passed → CANCELLED / DEADLINE_EXCEEDED (the
/// <see cref="ErrorMappingInterceptor"/> tells which from the incoming call);</item>
/// <item>the dependency could not be reached or did not answer in its own deadline (UNAVAILABLE,
/// DEADLINE_EXCEEDED, a broken connection, or RESOURCE_EXHAUSTED: it is overloaded) → UNAVAILABLE with
/// RetryInfo, nothing written;</item>
/// <item>INVALID_ARGUMENT → the caller's INVALID_ARGUMENT on <c>callerField</c> only where the call site says
/// the ids it sent are the caller's input; otherwise this service sent a bad request: INTERNAL;</item>
/// <item>everything else (UNIMPLEMENTED, INTERNAL, UNAUTHENTICATED, PERMISSION_DENIED, …) → INTERNAL with
/// the trace id, the dependency's answer only in the log.</item>
/// </list>
/// NOT_FOUND of an id the caller gave is the call site's to interpret (it catches it before this rule),
/// since only it knows what a missing id means for its caller.
/// </summary>
public static class DependencyFailure
{
    /// <summary>Runs an outbound call and turns its failure into what our caller sees.</summary>
    public static async Task<T> CallAsync<T>(string dependency, Func<Task<T>> call, CancellationToken ct, string? callerField = null)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (ex is RpcException or HttpRequestException or IOException)
        {
            throw From(dependency, ex, ct, callerField);
        }
    }

    /// <summary>The exception our caller's status is made from, for a failed call to <paramref name="dependency"/>.</summary>
    public static Exception From(string dependency, Exception failure, CancellationToken ct, string? callerField = null) => failure switch
    {
        _ when ct.IsCancellationRequested => new OperationCanceledException("The incoming call was cancelled or its deadline passed.", failure, ct),
        RpcException { StatusCode: StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.Cancelled } =>
            new DependencyUnavailableException(dependency),
        HttpRequestException or IOException => new DependencyUnavailableException(dependency),
        RpcException { StatusCode: StatusCode.InvalidArgument } when callerField is not null =>
            ValidationFailedException.For(callerField, $"was refused by the {dependency} service as malformed"),
        RpcException rpc => new DependencyFailedException(dependency, rpc),
        _ => failure,
    };
}

/// <summary>A dependency answered with a status that is not about our caller's call: INTERNAL with the trace id.</summary>
public sealed class DependencyFailedException(string dependency, RpcException answer)
    : Exception($"The {dependency} service answered {answer.StatusCode}: {answer.Status.Detail}", answer)
{
    public string Dependency { get; } = dependency;

    public StatusCode Answer { get; } = answer.StatusCode;
}
