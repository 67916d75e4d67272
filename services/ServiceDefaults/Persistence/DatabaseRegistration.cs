using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace MediaMesh.ServiceDefaults.Persistence;

/// <summary>The provider and connection a service runs on, for the few parts that talk to the database directly.</summary>
public sealed record DatabaseSettings(string ServiceName, DatabaseProvider Provider, string ConnectionString);

/// <summary>
/// The one place that chooses a database provider. Configuration:
/// MediaMesh:Database:Provider ("Sqlite", the embedded default, or "Postgres"), ConnectionStrings:{service}
/// (required for Postgres; for SQLite it overrides the file), MediaMesh:DataDirectory for where SQLite
/// files live (default ./data).
/// </summary>
public static class DatabaseRegistration
{
    /// <summary>How long one database health probe may take before the service reports NOT_SERVING.</summary>
    public static readonly TimeSpan HealthCheckTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Registers <typeparamref name="TContext"/> for the configured provider. On PostgreSQL the service
    /// gets <typeparamref name="TPostgresContext"/> (same model, its own migrations and SQL) wherever it asks
    /// for <typeparamref name="TContext"/>; <paramref name="postgresServices"/> adds what only PostgreSQL needs.
    /// Contexts are pooled (a call rents one and the pool resets it on return): they hold no state of
    /// their own beyond EF's, and their one interceptor, <see cref="MicrosecondTimes"/>, is stateless.
    /// </summary>
    public static IHostApplicationBuilder AddMediaMeshDatabase<TContext, TPostgresContext>(
        this IHostApplicationBuilder builder, string serviceName, Action<IServiceCollection>? postgresServices = null)
        where TContext : DbContext
        where TPostgresContext : TContext
    {
        var provider = DatabaseProviderConfiguration.Read(builder.Configuration);
        var configured = builder.Configuration.GetConnectionString(serviceName);
        string connectionString;
        switch (provider)
        {
            case DatabaseProvider.Postgres:
                connectionString = string.IsNullOrWhiteSpace(configured)
                    ? throw new InvalidOperationException($"MediaMesh:Database:Provider is Postgres: set ConnectionStrings:{serviceName} (ConnectionStrings__{serviceName}).")
                    : configured;
                builder.Services.AddDbContextPool<TContext, TPostgresContext>(options => options.UseNpgsql(connectionString).AddInterceptors(MicrosecondTimes.Interceptor));
                postgresServices?.Invoke(builder.Services);
                break;
            default:
                connectionString = configured ?? DefaultSqlite(builder, serviceName);
                builder.Services.AddDbContextPool<TContext>(options => options.UseSqlite(connectionString).AddInterceptors(MicrosecondTimes.Interceptor));
                break;
        }

        builder.Services.AddSingleton(new DatabaseSettings(serviceName, provider, connectionString));
        builder.Services.AddOptions<DatabaseMigrationOptions>().Bind(builder.Configuration.GetSection(DatabaseMigrationOptions.Section));

        // Cached for DatabaseHealthCheck.FreshFor: a probe is not a database round trip.
        builder.Services.AddSingleton<DatabaseHealthCheck<TContext>>();
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            $"{serviceName}-database", sp => sp.GetRequiredService<DatabaseHealthCheck<TContext>>(), failureStatus: null, tags: ["ready"], timeout: HealthCheckTimeout));
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
}
