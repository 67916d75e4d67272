using Grpc.Core;
using MediaMesh.Common.Errors;

namespace MediaMesh.Exchange.Application;

/// <summary>Turns failures of calls to other MediaMesh services into the refusals our callers see.</summary>
internal static class DependencyCalls
{
    /// <summary>
    /// Runs a call; NOT_FOUND is returned as null, anything else that is not an answer (unreachable,
    /// deadline, refused) means the dependency cannot vouch for the data: UNAVAILABLE, nothing written.
    /// </summary>
    public static async Task<T?> CallAsync<T>(string dependency, Func<Task<T>> call, CancellationToken ct)
        where T : class
    {
        try
        {
            return await call();
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && ct.IsCancellationRequested)
        {
            throw new OperationCanceledException(ct);
        }
        catch (RpcException)
        {
            throw new DependencyUnavailableException(dependency);
        }
        catch (HttpRequestException)
        {
            throw new DependencyUnavailableException(dependency);
        }
    }
}
