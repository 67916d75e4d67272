using MediaMesh.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;

namespace MediaMesh.Organizations.Persistence;

/// <summary>
/// The same model on PostgreSQL, with the shared PostgreSQL conventions (ordinal text, UTC times) and its
/// own migrations (Migrations/Postgres; the SQLite ones are tied to <see cref="OrganizationDbContext"/>).
/// </summary>
public sealed class PostgresOrganizationDbContext(DbContextOptions<PostgresOrganizationDbContext> options) : OrganizationDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        PostgresModelConventions.Apply(configurationBuilder);
}

/// <summary>Lets <c>dotnet ef migrations add --context PostgresOrganizationDbContext</c> build the model without a server.</summary>
internal sealed class PostgresOrganizationDbContextDesignTimeFactory : PostgresDesignTimeFactory<PostgresOrganizationDbContext>;
