using System.Data.Common;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MediaMesh.ServiceDefaults.Persistence;

/// <summary>
/// Brings a service's schema up to date: at start (unless <c>MediaMesh:Database:MigrateOnStart</c> is
/// false) or by the <c>migrate</c> command. Safe to run twice and from several replicas at once: EF Core
/// takes a database-wide migration lock (PostgreSQL: a lock on the history table; SQLite: the
/// <c>__EFMigrationsLock</c> row) and applies only what is pending. A database that cannot be reached yet
/// is retried with backoff for <c>StartupRetryTime</c> instead of crashing the process in a loop.
/// </summary>
public static class DatabaseMigration
{
    public const string CommandName = "migrate";

    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] == CommandName;

    /// <summary>The <c>migrate</c> command: applies pending migrations, prints what it did, exit code 0 (1 when it failed).</summary>
    public static async Task<int> RunCommandAsync<TContext>(this WebApplication app, TextWriter output)
        where TContext : DbContext
    {
        try
        {
            var applied = await app.WithRetriesAsync<TContext, IReadOnlyList<string>>("apply migrations", ApplyAsync);
            await output.WriteLineAsync(applied.Count == 0
                ? "database is up to date"
                : $"applied {applied.Count} migration(s): {string.Join(", ", applied)}");
            return 0;
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or TimeoutException or SocketException)
        {
            await output.WriteLineAsync($"migration failed: {e.Message}");
            return 1;
        }
    }

    /// <summary>Before the service takes calls: applies pending migrations, or waits for them when MigrateOnStart is false.</summary>
    public static async Task MigrateDatabaseAsync<TContext>(this WebApplication app)
        where TContext : DbContext
    {
        var options = app.Services.GetRequiredService<IOptions<DatabaseMigrationOptions>>().Value;
        if (options.MigrateOnStart)
        {
            await app.WithRetriesAsync<TContext, IReadOnlyList<string>>("apply migrations", ApplyAsync);
        }
        else
        {
            await app.WithRetriesAsync<TContext, bool>("wait for the schema (run the migrate command)", RequireUpToDateAsync);
        }

        await app.WithRetriesAsync<TContext, bool>("prepare the connection", PrepareAsync);
    }

    private static async Task<IReadOnlyList<string>> ApplyAsync(DbContext db, CancellationToken ct)
    {
        if (!db.Database.IsNpgsql() || !await db.Database.CanConnectAsync(ct))
        {
            // SQLite, or a PostgreSQL database that MigrateAsync must create first (a race there is retried).
            return await ApplyPendingAsync(db, ct);
        }

        // EF Core's migration lock on PostgreSQL does not hold across several pending migrations: two replicas
        // could both apply the later ones ("relation already exists"). A session advisory lock held on one
        // connection for the whole run makes replicas migrate one after another; the next one finds nothing pending.
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({MigrationLockKey})", ct);
            try
            {
                return await ApplyPendingAsync(db, ct);
            }
            finally
            {
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The advisory-lock key of schema migrations (one per database, so one for every service's own database).</summary>
    private const long MigrationLockKey = 0x4d4d_4d49_4752; // "MMMIGR"

    private static async Task<IReadOnlyList<string>> ApplyPendingAsync(DbContext db, CancellationToken ct)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToArray();
        if (pending.Length > 0)
        {
            // Another replica may apply the same migrations meanwhile: MigrateAsync takes the lock and
            // re-reads the history under it, so each migration runs once.
            await db.Database.MigrateAsync(ct);
        }

        return pending;
    }

    private static async Task<bool> RequireUpToDateAsync(DbContext db, CancellationToken ct)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToArray();
        return pending.Length == 0 ? true : throw new SchemaNotReadyException(pending);
    }

    private static async Task<bool> PrepareAsync(DbContext db, CancellationToken ct)
    {
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }

        return true;
    }

    private static async Task<TResult> WithRetriesAsync<TContext, TResult>(
        this WebApplication app, string what, Func<DbContext, CancellationToken, Task<TResult>> work)
        where TContext : DbContext
    {
        var options = app.Services.GetRequiredService<IOptions<DatabaseMigrationOptions>>().Value;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("MediaMesh.Database");
        var stopping = app.Lifetime.ApplicationStopping;
        var giveUpAt = DateTime.UtcNow + options.StartupRetryTime;
        var delay = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var scope = app.Services.CreateAsyncScope();
                return await work(scope.ServiceProvider.GetRequiredService<TContext>(), stopping);
            }
            catch (Exception e) when (IsWorthRetrying(e) && DateTime.UtcNow + delay < giveUpAt && !stopping.IsCancellationRequested)
            {
                logger.LogWarning("Could not {What} (attempt {Attempt}): {Reason}; retrying in {Delay}.", what, attempt, e.Message, delay);
                await Task.Delay(delay, stopping);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxRetryDelay.Ticks));
            }
        }
    }

    /// <summary>The database is not there yet (starting, restarting, unreachable, being created by another replica).</summary>
    private static bool IsWorthRetrying(Exception e) => e switch
    {
        SchemaNotReadyException => true,
        PostgresException p when p.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.InvalidCatalogName => true,
        TimeoutException => true,
        _ => DatabaseFailure.IsUnavailable(e),
    };

    private sealed class SchemaNotReadyException(string[] pending)
        : InvalidOperationException($"{pending.Length} migration(s) pending: {string.Join(", ", pending)}");
}
