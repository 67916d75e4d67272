using Grpc.Core;
using MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Client.Feed;

/// <summary>What a feed follower listens to and how it reconnects.</summary>
public sealed record FeedFollowOptions
{
    /// <summary>Which events (types, owner regions, languages, subjects, licensed only).</summary>
    public FeedFilter Filter { get; init; } = new();

    /// <summary>With no saved cursor: start from the oldest retained event (true) or from now on (false).</summary>
    public bool FromBeginning { get; init; } = true;

    /// <summary>No event and no heartbeat for this long means the stream is dead: reconnect. Keep it above the server's heartbeat interval (15 s).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>First wait before reconnecting; doubles up to <see cref="MaxBackoff"/> while reconnects fail.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest wait between reconnects.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Reconnects in a row that receive nothing before the follower gives up (0 = never give up).</summary>
    public int MaxReconnectsWithoutProgress { get; init; }

    /// <summary>Called on each heartbeat (e.g. to show the follower is alive).</summary>
    public Action<FeedHeartbeat>? OnHeartbeat { get; init; }

    /// <summary>Called before each reconnect with the failure and the wait.</summary>
    public Action<Exception, TimeSpan>? OnReconnect { get; init; }
}

/// <summary>
/// Follows the exchange feed from a saved cursor. Each event goes to the handler once, in cursor
/// order; the cursor is saved only after the handler returns, so an event whose handling failed
/// (or was cut by a crash) is delivered again on the next run and nothing is ever skipped. After a
/// broken or silent stream it reconnects with the last processed cursor, with back-off, and drops
/// any event at or below it. Ends when cancelled (or when the handler throws: that exception propagates).
/// </summary>
public sealed class FeedFollower(MediaMeshClient client, FeedFollowOptions options, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public async Task RunAsync(ICursorStore store, Func<FeedEvent, CancellationToken, Task> handle, CancellationToken cancellationToken)
    {
        var cursor = await store.LoadAsync(cancellationToken).ConfigureAwait(false);
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var received = false;
            var inHandler = false;
            try
            {
                using var idle = new Transfers.StallGuard(options.IdleTimeout, _clock, cancellationToken);
                var request = new SubscribeFeedRequest
                {
                    AfterCursor = cursor,
                    FromBeginning = cursor == 0 && options.FromBeginning,
                    Filter = options.Filter,
                };
                using var call = client.Catalogue.SubscribeFeed(request, cancellationToken: idle.Token);
                while (await call.ResponseStream.MoveNext(idle.Token).ConfigureAwait(false))
                {
                    idle.Progressed();
                    received = true;
                    failures = 0;
                    var message = call.ResponseStream.Current;
                    if (message.ItemCase == SubscribeFeedResponse.ItemOneofCase.Heartbeat)
                    {
                        options.OnHeartbeat?.Invoke(message.Heartbeat);
                        continue;
                    }

                    var e = message.Event;
                    if (e is null || e.Cursor <= cursor)
                    {
                        continue;
                    }

                    inHandler = true;
                    await handle(e, cancellationToken).ConfigureAwait(false);
                    inHandler = false;
                    // The event is processed: its cursor is kept even if the caller is stopping right now.
                    await store.SaveAsync(e.Cursor, CancellationToken.None).ConfigureAwait(false);
                    cursor = e.Cursor;
                    idle.Progressed();
                }

                // The server ended the stream (e.g. a restart): reconnect at once.
                if (!cancellationToken.IsCancellationRequested)
                {
                    await WaitAsync(new MediaMeshException(StatusCode.Unavailable, "The feed ended."), received ? 0 : ++failures, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (!inHandler && Transfers.TransientFailure.Is(e, cancellationToken))
            {
                failures = received ? 1 : failures + 1;
                if (options.MaxReconnectsWithoutProgress > 0 && failures > options.MaxReconnectsWithoutProgress)
                {
                    throw e as MediaMeshException ?? new MediaMeshException(StatusCode.Unavailable, "The feed could not be reached.");
                }

                await WaitAsync(e, failures, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task WaitAsync(Exception reason, int failures, CancellationToken cancellationToken)
    {
        var delay = failures == 0 ? TimeSpan.Zero : Transfers.TransientFailure.Backoff(failures,
            new Transfers.TransferOptions { InitialBackoff = options.InitialBackoff, MaxBackoff = options.MaxBackoff }, reason);
        options.OnReconnect?.Invoke(reason, delay);
        try
        {
            await Task.Delay(delay, _clock, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
