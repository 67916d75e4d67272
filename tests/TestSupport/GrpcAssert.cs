using Google.Rpc;
using Grpc.Core;
using Xunit;

namespace MediaMesh.TestSupport;

/// <summary>Assertions on gRPC refusals: the code, the absence of leaked internals, and the details.</summary>
public static class GrpcAssert
{
    public static async Task<RpcException> Refused(StatusCode expected, Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(expected == ex.StatusCode, $"Expected {expected} but got {ex.StatusCode}: {ex.Status.Detail}");
        Assert.DoesNotContain("Exception", ex.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", ex.Status.Detail, StringComparison.Ordinal);
        return ex;
    }

    public static Task<RpcException> Refused<T>(StatusCode expected, Func<AsyncUnaryCall<T>> call) =>
        Refused(expected, async () => await call());

    /// <summary>INVALID_ARGUMENT whose BadRequest details name <paramref name="fields"/>.</summary>
    public static async Task<BadRequest> Invalid<T>(Func<AsyncUnaryCall<T>> call, params string[] fields)
    {
        var ex = await Refused(StatusCode.InvalidArgument, async () => await call());
        var badRequest = ex.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        var named = badRequest.FieldViolations.Select(v => v.Field).ToHashSet();
        foreach (var field in fields)
        {
            Assert.True(named.Contains(field), $"Expected a violation of '{field}'; got: {string.Join(", ", named)}");
        }

        return badRequest;
    }
}
