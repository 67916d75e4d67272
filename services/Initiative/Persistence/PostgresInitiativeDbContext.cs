using MediaMesh.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;

namespace MediaMesh.Initiatives.Persistence;

/// <summary>
/// The same model on PostgreSQL, with the shared PostgreSQL conventions (ordinal text, UTC times) and its
/// own migrations (Migrations/Postgres; the SQLite ones are tied to <see cref="InitiativeDbContext"/>).
/// </summary>
public sealed class PostgresInitiativeDbContext(DbContextOptions<PostgresInitiativeDbContext> options) : InitiativeDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        PostgresModelConventions.Apply(configurationBuilder);
}

/// <summary>Lets <c>dotnet ef migrations add --context PostgresInitiativeDbContext</c> build the model without a server.</summary>
internal sealed class PostgresInitiativeDbContextDesignTimeFactory : PostgresDesignTimeFactory<PostgresInitiativeDbContext>;
