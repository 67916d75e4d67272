using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace MediaMesh.Exchange.Tests;

/// <summary>
/// Stops a real service call at a chosen database command, inside whatever transaction and locks the
/// call holds at that point, until the test releases it; and tells the test when the next transaction
/// begins. Installed on every exchange host's DbContext; idle unless a test arms it.
/// </summary>
public sealed class CommandGate : IDbCommandInterceptor, IDbTransactionInterceptor
{
    private Hold? _hold;
    private long _commands;

    /// <summary>How many database commands the host has run so far (every command, of every kind).</summary>
    public long Commands => Interlocked.Read(ref _commands);

    public DbCommand CommandInitialized(CommandEndEventData eventData, DbCommand result)
    {
        Interlocked.Increment(ref _commands);
        return result;
    }
    private TaskCompletionSource? _nextTransaction;

    /// <summary>Holds the next command that <paramref name="matches"/> (one only) before it runs.</summary>
    public Hold HoldNext(Func<DbCommand, bool> matches)
    {
        var hold = new Hold(matches);
        Assert.Null(Interlocked.CompareExchange(ref _hold, hold, null));
        return hold;
    }

    /// <summary>Completes when the next transaction is about to begin, on any connection.</summary>
    public Task NextTransactionAsync()
    {
        var next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.Null(Interlocked.CompareExchange(ref _nextTransaction, next, null));
        return next.Task;
    }

    /// <summary>A command of a service call reading or changing the licences of <paramref name="offerId"/> (not the feed reader's look-up of who holds them).</summary>
    public static bool TouchesLicencesOf(DbCommand command, string offerId) =>
        command.CommandText.Contains("licences", StringComparison.Ordinal)
        && !command.CommandText.Contains(MediaMesh.Exchange.Application.FeedLog.InvolvementTag, StringComparison.Ordinal)
        && command.Parameters.Cast<DbParameter>().Any(p => offerId.Equals(p.Value as string, StringComparison.Ordinal));

    public async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _hold) is { } hold && hold.Matches(command) && Interlocked.CompareExchange(ref _hold, null, hold) == hold)
        {
            await hold.WaitAsync(cancellationToken);
        }

        return result;
    }

    public ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        Interlocked.Exchange(ref _nextTransaction, null)?.TrySetResult();
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        Interlocked.Exchange(ref _nextTransaction, null)?.TrySetResult();
        return result;
    }

    public sealed class Hold(Func<DbCommand, bool> matches)
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        internal Func<DbCommand, bool> Matches { get; } = matches;

        /// <summary>Completes when the held command has been reached (and is waiting).</summary>
        public Task Reached => _reached.Task;

        public void Release() => _released.TrySetResult();

        internal async Task WaitAsync(CancellationToken ct)
        {
            _reached.TrySetResult();
            await _released.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
        }
    }
}
