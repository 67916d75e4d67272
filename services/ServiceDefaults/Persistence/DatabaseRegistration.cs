using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MediaMesh.ServiceDefaults.Persistence;

/// <summary>
/// The one place that chooses a database provider. Configuration:
/// MediaMesh:Database:Provider ("Sqlite", the embedded default), ConnectionStrings:{service} to
/// override the connection, MediaMesh:DataDirectory for where SQLite files live (default ./data).
/// </summary>
public static class DatabaseRegistration
{
    public static IHostApplicationBuilder AddMediaMeshDatabase<TContext>(this IHostApplicationBuilder builder, string serviceName)
        where TContext : DbContext
    {
        var provider = builder.Configuration["MediaMesh:Database:Provider"] ?? "Sqlite";
        if (!string.Equals(provider, "Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"MediaMesh:Database:Provider '{provider}' is not supported; use 'Sqlite'.");
        }

        var connectionString = builder.Configuration.GetConnectionString(serviceName) ?? DefaultSqlite(builder, serviceName);
        builder.Services.AddDbContext<TContext>(options => options.UseSqlite(connectionString));
        builder.Services.AddHealthChecks().AddDbContextCheck<TContext>($"{serviceName}-database", tags: ["ready"]);
        return builder;
    }

    private static string DefaultSqlite(IHostApplicationBuilder builder, string serviceName)
    {
        var dataDirectory = builder.Configuration["MediaMesh:DataDirectory"] ?? "data";
        var folder = Path.GetFullPath(dataDirectory, builder.Environment.ContentRootPath);
        Directory.CreateDirectory(folder);
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(folder, $"{serviceName}.db"),
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>Applies pending migrations (and turns on WAL for SQLite) before the service takes calls.</summary>
    public static async Task MigrateDatabaseAsync<TContext>(this WebApplication app)
        where TContext : DbContext
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        await db.Database.MigrateAsync();
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }
    }
}
