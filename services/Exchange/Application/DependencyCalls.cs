using Grpc.Core;
using MediaMesh.ServiceDefaults.Grpc;

namespace MediaMesh.Exchange.Application;

/// <summary>The exchange's calls to other MediaMesh services, under the shared <see cref="DependencyFailure"/> rule.</summary>
internal static class DependencyCalls
{
    /// <summary>
    /// Runs a call that looks up an id the caller gave: NOT_FOUND means there is no such thing and is
    /// returned as null (the call site says what that means for the caller); every other failure follows
    /// <see cref="DependencyFailure"/> (the dependency's INVALID_ARGUMENT is the caller's, on
    /// <paramref name="callerField"/>, when that is given).
    /// </summary>
    public static Task<T?> LookUpAsync<T>(string dependency, Func<Task<T>> call, CancellationToken ct, string? callerField = null)
        where T : class =>
        DependencyFailure.CallAsync<T?>(dependency, async () =>
        {
            try
            {
                return await call();
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
            {
                return null;
            }
        }, ct, callerField);
}
