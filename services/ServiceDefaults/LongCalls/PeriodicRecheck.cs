using MediaMesh.Common.Errors;

namespace MediaMesh.ServiceDefaults.LongCalls;

/// <summary>
/// Re-runs a check during a long call (a feed, a download) so that what was allowed when the call
/// began is judged again while it runs: at most once per <c>interval</c>, and also after every
/// <c>everyItems</c> items when that is set (cheap checks on fast streams). The check throws the
/// refusal that ends the stream (its status reaches the client in the trailers).
/// </summary>
/// <remarks>
/// A check that fails with <see cref="DependencyUnavailableException"/> (the service it asks cannot be
/// reached) is forgiven until <c>grace</c> has passed since the last check that succeeded; after that
/// the exception propagates and the stream ends with UNAVAILABLE. The call's start counts as a
/// success: it was checked when it was admitted. Not thread-safe: one instance per stream.
/// </remarks>
public sealed class PeriodicRecheck(Func<CancellationToken, Task> check, TimeSpan interval, TimeSpan grace, TimeProvider clock, int everyItems = 0)
{
    private long _lastRun = clock.GetTimestamp();
    private long _lastSuccess = clock.GetTimestamp();
    private int _items;

    /// <summary>Counts one item sent and runs the check if it is due.</summary>
    public ValueTask ItemAsync(CancellationToken ct)
    {
        _items++;
        return DueAsync(ct);
    }

    /// <summary>Runs the check if the interval has passed (or the item count was reached).</summary>
    public async ValueTask DueAsync(CancellationToken ct)
    {
        var byItems = everyItems > 0 && _items >= everyItems;
        if (!byItems && clock.GetElapsedTime(_lastRun) < interval)
        {
            return;
        }

        await RunAsync(ct);
    }

    /// <summary>Runs the check now.</summary>
    public async ValueTask RunAsync(CancellationToken ct)
    {
        _lastRun = clock.GetTimestamp();
        _items = 0;
        try
        {
            await check(ct);
            _lastSuccess = clock.GetTimestamp();
        }
        catch (DependencyUnavailableException) when (clock.GetElapsedTime(_lastSuccess) < grace && !ct.IsCancellationRequested)
        {
            // Not reachable for now: keep the stream going on the last good answer, within the grace period.
        }
    }
}
