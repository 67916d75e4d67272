using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace MediaMesh.ServiceDefaults.Persistence;

/// <summary>Tells a database that is not reachable for now (down, restarting, overloaded, busy) from a real fault.</summary>
public static class DatabaseFailure
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    private const int SqliteFull = 13;

    /// <summary>The database's disk is full (SQLite SQLITE_FULL, PostgreSQL disk_full): nothing was written.</summary>
    public static bool IsStorageFull(Exception? exception) => exception switch
    {
        null => false,
        PostgresException p => p.SqlState == PostgresErrorCodes.DiskFull,
        SqliteException s => s.SqliteErrorCode == SqliteFull,
        _ => IsStorageFull(exception.InnerException),
    };

    public static bool IsUnavailable(Exception? exception) => exception switch
    {
        null => false,
        PostgresException p => p.IsTransient || p.SqlState is PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.AdminShutdown
            or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.TooManyConnections,
        NpgsqlException n => n.IsTransient || n.InnerException is SocketException or IOException or TimeoutException,
        SqliteException s => s.SqliteErrorCode is SqliteBusy or SqliteLocked,
        SocketException => true,
        _ => IsUnavailable(exception.InnerException),
    };
}
