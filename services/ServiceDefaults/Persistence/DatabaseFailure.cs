using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace MediaMesh.ServiceDefaults.Persistence;

/// <summary>Tells a database that is not reachable for now (down, restarting, overloaded, busy) from a real fault.</summary>
public static class DatabaseFailure
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

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
