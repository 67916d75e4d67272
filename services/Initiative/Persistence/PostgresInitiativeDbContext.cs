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

    /// <summary>A share lock on the initiative's row: transitions (an UPDATE) wait for it, other signers do not.</summary>
    public override async Task HoldForSigningAsync(string initiativeId, CancellationToken ct)
    {
        await base.HoldForSigningAsync(initiativeId, ct);
        await Database.ExecuteSqlAsync($"SELECT 1 FROM initiatives WHERE \"Id\" = {initiativeId} FOR SHARE", ct);
    }
}

/// <summary>Lets <c>dotnet ef migrations add --context PostgresInitiativeDbContext</c> build the model without a server.</summary>
internal sealed class PostgresInitiativeDbContextDesignTimeFactory : PostgresDesignTimeFactory<PostgresInitiativeDbContext>;
