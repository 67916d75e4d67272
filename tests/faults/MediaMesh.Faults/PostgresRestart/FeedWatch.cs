using System.Collections.Concurrent;
using System.Diagnostics;
using MediaMesh.Client;
using MediaMesh.Client.Feed;

namespace MediaMesh.Faults.PostgresRestart;

/// <summary>
/// One member follows the feed with the SDK's follower for the whole part (it reconnects by itself from
/// its last cursor) and notes when each offer's events arrived, so the part can ask whether an offer
/// published after a restart reached it, and how soon.
/// </summary>
public sealed class FeedWatch(MediaMeshClient client) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, long> _seen = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _reconnectReasons = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;
    private long _events;
    private long _reconnects;

    public long Events => Interlocked.Read(ref _events);

    public long Reconnects => Interlocked.Read(ref _reconnects);

    public IReadOnlyCollection<string> SeenOffers => (IReadOnlyCollection<string>)_seen.Keys;

    /// <summary>Why the follower reconnected, each time: the status that ended the stream ("Unavailable with RetryInfo"), or the exception's type.</summary>
    public IReadOnlyList<string> ReconnectReasons => [.. _reconnectReasons];

    public void Start()
    {
        var options = new FeedFollowOptions
        {
            FromBeginning = true,
            // Quicker than a member's defaults: the part wants to see how soon the feed is back, not wait out a back-off.
            IdleTimeout = TimeSpan.FromSeconds(20),
            MaxBackoff = TimeSpan.FromSeconds(2),
            OnReconnect = (failure, _) =>
            {
                Interlocked.Increment(ref _reconnects);
                _reconnectReasons.Enqueue(failure switch
                {
                    MediaMeshException { RetryInfo: not null } refused => $"{refused.StatusCode} with RetryInfo",
                    Grpc.Core.RpcException rpc => rpc.StatusCode.ToString(),
                    _ => failure.GetType().Name,
                });
            },
        };
        _run = Task.Run(() => client.FollowFeedAsync(new MemoryCursorStore(), (e, _) =>
        {
            Interlocked.Increment(ref _events);
            _seen.TryAdd(e.Offer.Id, Stopwatch.GetTimestamp());
            return Task.CompletedTask;
        }, options, _stop.Token));
    }

    /// <summary>Waits until an event of <paramref name="offerId"/> has arrived; the time it took, or null after <paramref name="within"/>.</summary>
    public async Task<TimeSpan?> WaitForAsync(string offerId, TimeSpan within, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < within)
        {
            if (_seen.ContainsKey(offerId))
            {
                return waited.Elapsed;
            }

            if (_run.IsCompleted)
            {
                // The follower gave up or failed: nothing more will arrive.
                await _run;
                return null;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        _stop.Dispose();
    }
}
