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
                builder.Services.AddDbContext<TContext, TPostgresContext>(options => options.UseNpgsql(connectionString).AddInterceptors(MicrosecondTimes.Interceptor));
                postgresServices?.Invoke(builder.Services);
                break;
            default:
                connectionString = configured ?? DefaultSqlite(builder, serviceName);
                builder.Services.AddDbContext<TContext>(options => options.UseSqlite(connectionString));
                break;
        }

        builder.Services.AddSingleton(new DatabaseSettings(serviceName, provider, connectionString));
        builder.Services.AddOptions<DatabaseMigrationOptions>().Bind(builder.Configuration.GetSection(DatabaseMigrationOptions.Section));

        var checkName = $"{serviceName}-database";
        builder.Services.AddHealthChecks().AddDbContextCheck<TContext>(checkName, tags: ["ready"]);
        builder.Services.Configure<HealthCheckServiceOptions>(options =>
        {
            foreach (var registration in options.Registrations.Where(r => r.Name == checkName))
            {
                registration.Timeout = HealthCheckTimeout;
            }
        });
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
