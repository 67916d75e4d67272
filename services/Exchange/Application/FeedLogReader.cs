using System.Threading.Channels;
using MediaMesh.Exchange.Persistence;
using Microsoft.Extensions.Options;

namespace MediaMesh.Exchange.Application;

/// <summary>
/// The one reader of the durable event log per exchange instance: it follows the log (woken by
/// <see cref="FeedNotifier"/> on this instance's commits and, on PostgreSQL, any replica's; and polling
/// every <see cref="ExchangeOptions.FeedPollInterval"/> for other instances' commits: one read per
/// interval for the instance, however many subscribers), keeps the last
/// <see cref="ExchangeOptions.FeedWindowEvents"/> events in memory and hands every page it reads to
/// every live subscriber. A subscriber whose cursor is older than the window reads the log itself
/// until it reaches the window (<see cref="OfferFeed"/>).
/// </summary>
/// <remarks>
/// Pages go to each subscriber's own queue, so a slow subscriber never holds up the reader or the
/// others. A subscriber more than <see cref="ExchangeOptions.FeedSubscriberBacklog"/> events behind is
/// let go: its queue is completed, it sends what it holds and then reads the log itself from its
/// cursor, as a resuming subscriber does, until it catches up again.
/// </remarks>
public sealed partial class FeedLogReader(
    IServiceScopeFactory scopes, FeedNotifier notifier, TimeProvider clock, IOptions<ExchangeOptions> options, ILogger<FeedLogReader> logger) : BackgroundService
{
    private readonly Lock _lock = new();
    private readonly List<FeedEntry> _window = [];
    private readonly HashSet<FeedSubscription> _subscribers = [];
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _floor;
    private long _head;

    /// <summary>Completes once the reader knows where the log ends and follows it.</summary>
    public Task Started => _started.Task;

    /// <summary>How many subscribers are fed now (for tests and the benchmark's figures).</summary>
    public int SubscriberCount
    {
        get
        {
            lock (_lock)
            {
                return _subscribers.Count;
            }
        }
    }

    /// <summary>
    /// Subscribes a subscriber whose last event is <paramref name="afterCursor"/>: the events of the window
    /// after it are queued at once and every page read from now on follows, so nothing is missed. Null if
    /// the window no longer holds everything after the cursor (or the reader has not started): read the log.
    /// </summary>
    public FeedSubscription? TrySubscribe(long afterCursor)
    {
        lock (_lock)
        {
            if (!_started.Task.IsCompleted || afterCursor < _floor)
            {
                return null;
            }

            var subscription = new FeedSubscription(this, options.Value.FeedSubscriberBacklog);
            var first = FirstAfter(afterCursor);
            if (first == _window.Count || subscription.Offer(_window.GetRange(first, _window.Count - first)))
            {
                _subscribers.Add(subscription);
            }

            return subscription;
        }
    }

    internal void Remove(FeedSubscription subscription)
    {
        lock (_lock)
        {
            _subscribers.Remove(subscription);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = options.Value.FeedPollInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = notifier.Current;
            try
            {
                if (await ReadAsync(stoppingToken))
                {
                    continue;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The database is unreachable for now: subscribers keep their streams (heartbeats go on) and the next poll tries again.
                LogReadFailed(e.GetType().Name, e.Message);
            }

            try
            {
                await wake.WaitAsync(poll, clock, stoppingToken);
            }
            catch (TimeoutException)
            {
                // Nothing signalled: poll the log for other instances' commits.
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Reads one page after the head and hands it out; true if the page was full (read on at once).</summary>
    private async Task<bool> ReadAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExchangeDbContext>();
        if (!_started.Task.IsCompleted)
        {
            var latest = await FeedLog.LatestCursorAsync(db, ct);
            lock (_lock)
            {
                _floor = _head = latest;
            }

            _started.TrySetResult();
        }

        var page = await FeedLog.ReadPageAsync(db, _head, ct);
        if (page.Count == 0)
        {
            return false;
        }

        Publish(page);
        return page.Count == FeedLog.PageSize;
    }

    private void Publish(IReadOnlyList<FeedEntry> page)
    {
        var limit = options.Value.FeedWindowEvents;
        lock (_lock)
        {
            _window.AddRange(page);
            _head = page[^1].Cursor;
            if (_window.Count > limit)
            {
                var drop = _window.Count - limit;
                _floor = _window[drop - 1].Cursor;
                _window.RemoveRange(0, drop);
            }

            List<FeedSubscription>? lagging = null;
            foreach (var subscriber in _subscribers)
            {
                if (!subscriber.Offer(page))
                {
                    (lagging ??= []).Add(subscriber);
                }
            }

            foreach (var subscriber in lagging ?? [])
            {
                _subscribers.Remove(subscriber);
            }
        }
    }

    /// <summary>The index of the first window entry after <paramref name="cursor"/>.</summary>
    private int FirstAfter(long cursor)
    {
        int low = 0, high = _window.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (_window[middle].Cursor <= cursor)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The feed reader could not read the event log ({Error}: {Reason}); it tries again at the next poll.")]
    private partial void LogReadFailed(string error, string reason);
}

/// <summary>
/// One subscriber's queue of pages from the <see cref="FeedLogReader"/>. Completed when the subscriber
/// fell more than its backlog behind: it then reads the log itself from its cursor.
/// </summary>
public sealed class FeedSubscription : IDisposable
{
    private readonly FeedLogReader _reader;
    private readonly int _backlog;
    private readonly Channel<IReadOnlyList<FeedEntry>> _pages = Channel.CreateUnbounded<IReadOnlyList<FeedEntry>>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true, AllowSynchronousContinuations = false });
    private int _pending;

    internal FeedSubscription(FeedLogReader reader, int backlog)
    {
        _reader = reader;
        _backlog = backlog;
    }

    public ChannelReader<IReadOnlyList<FeedEntry>> Pages => _pages.Reader;

    /// <summary>Called by the subscriber for each page it has sent on.</summary>
    public void Done(IReadOnlyList<FeedEntry> page) => Interlocked.Add(ref _pending, -page.Count);

    /// <summary>Queues a page (under the reader's lock); false, and the queue is completed, if the subscriber is too far behind.</summary>
    internal bool Offer(IReadOnlyList<FeedEntry> page)
    {
        if (Interlocked.Add(ref _pending, page.Count) > _backlog || !_pages.Writer.TryWrite(page))
        {
            _pages.Writer.TryComplete();
            return false;
        }

        return true;
    }

    public void Dispose()
    {
        _reader.Remove(this);
        _pages.Writer.TryComplete();
    }
}
