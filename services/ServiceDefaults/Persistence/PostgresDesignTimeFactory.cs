using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace MediaMesh.ServiceDefaults.Persistence;

/// <summary>
/// Creates a service's SQLite context for the EF Core tools. Without it the tools would build the base
/// context from the PostgreSQL factory below (it also matches base types) and write PostgreSQL migrations
/// into the SQLite set.
/// </summary>
public abstract class SqliteDesignTimeFactory<TContext> : IDesignTimeDbContextFactory<TContext>
    where TContext : DbContext
{
    public TContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<TContext>().UseSqlite("Data Source=design_time.db").Options;
        return (TContext)Activator.CreateInstance(typeof(TContext), options)!;
    }
}

/// <summary>
/// Creates a service's PostgreSQL context for the EF Core tools (adding migrations needs the model, not a
/// server). Each service derives one for its context so the tools find it.
/// </summary>
public abstract class PostgresDesignTimeFactory<TContext> : IDesignTimeDbContextFactory<TContext>
    where TContext : DbContext
{
    public TContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<TContext>().UseNpgsql("Host=localhost;Database=design_time").Options;
        return (TContext)Activator.CreateInstance(typeof(TContext), options)!;
    }
}
