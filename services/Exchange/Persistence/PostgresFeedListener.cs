using MediaMesh.Exchange.Application;
using MediaMesh.ServiceDefaults.Persistence;
using Npgsql;

namespace MediaMesh.Exchange.Persistence;

/// <summary>
/// PostgreSQL only: one LISTEN connection per replica wakes this replica's feed subscribers as soon as any
/// replica commits an event (<see cref="PostgresExchangeDbContext.PrepareEventAppendAsync"/> notifies in the
/// appending transaction). A lost connection is re-opened with backoff and the subscribers are woken once
/// after, so nothing committed meanwhile waits for the poll.
/// </summary>
public sealed partial class PostgresFeedListener(DatabaseSettings database, FeedNotifier notifier, ILogger<PostgresFeedListener> logger) : BackgroundService
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(database.ConnectionString);
                connection.Notification += (_, _) => notifier.Signal();
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {PostgresExchangeDbContext.EventChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                notifier.Signal();
                delay = TimeSpan.FromMilliseconds(200);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                LogListenFailed(e.Message, delay);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feed notifications lost ({Reason}); listening again in {Delay}. Subscribers poll meanwhile.")]
    private partial void LogListenFailed(string reason, TimeSpan delay);
}
