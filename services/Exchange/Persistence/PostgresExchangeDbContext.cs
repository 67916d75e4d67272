using MediaMesh.ServiceDefaults.Persistence;
using MediaMesh.Exchange.Domain;
using Microsoft.EntityFrameworkCore;

namespace MediaMesh.Exchange.Persistence;

/// <summary>
/// The same model on PostgreSQL, with the shared PostgreSQL conventions (ordinal text, UTC times) and its
/// own migrations (Migrations/Postgres; the SQLite ones are tied to <see cref="ExchangeDbContext"/>).
/// </summary>
public sealed class PostgresExchangeDbContext(DbContextOptions<PostgresExchangeDbContext> options) : ExchangeDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        PostgresModelConventions.Apply(configurationBuilder);

    /// <summary>Feed subscribers on every replica are woken through this channel (see PostgresFeedListener).</summary>
    public const string EventChannel = "mediamesh_offer_events";

    // Key spaces of pg_advisory_xact_lock(int, int), so the two kinds of lock never collide.
    private const int OfferLockSpace = 0x4d4d_0001;
    private const int EventLogLockSpace = 0x4d4d_0002;

    public override IQueryable<Licence> LicencesCovering(string country) =>
        Licences.FromSql($"SELECT * FROM licences WHERE \"Territories\"::jsonb @> jsonb_build_array({country}::text)");

    /// <summary>
    /// PostgreSQL: the stored generated column offers."SearchVector" (to_tsvector('simple', "SearchText"))
    /// with a GIN index, both created by the CatalogueSearchIndexes migration. The words are already
    /// plain letters and digits; plainto_tsquery ANDs them and reads no operators. The planner has
    /// statistics, so it chooses between the text index and the page order index itself.
    /// </summary>
    public override Task<IQueryable<Offer>> OffersWithWordsAsync(IReadOnlyList<string> words, bool orderedElsewhere, CancellationToken ct) =>
        Task.FromResult<IQueryable<Offer>>(
            Offers.FromSql($"SELECT * FROM offers WHERE \"SearchVector\" @@ plainto_tsquery('simple', {string.Join(' ', words)})"));

    public override string JsonArrayJoin(string column, string alias) =>
        $"CROSS JOIN LATERAL jsonb_array_elements_text({column}::jsonb) AS {alias}(value)";

    /// <summary>A transaction-scoped advisory lock per offer (a hash collision only serialises two offers' grants).</summary>
    public override async Task LockOfferAsync(string offerId, CancellationToken ct)
    {
        await RequireTransaction();
        await Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({OfferLockSpace}, hashtext({offerId}))", ct);
    }

    /// <summary>
    /// On PostgreSQL an identity value is handed out at insert, not at commit: without this lock a writer
    /// could commit cursor 11 while cursor 10 is still open, and a subscriber that read 11 would never see
    /// 10. The lock is held from before the insert to the commit, so cursors commit in order; the
    /// notification is delivered to listeners when (and only if) the transaction commits.
    /// </summary>
    public override async Task PrepareEventAppendAsync(CancellationToken ct)
    {
        await RequireTransaction();
        await Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({EventLogLockSpace}, 0)", ct);
        await Database.ExecuteSqlAsync($"SELECT pg_notify({EventChannel}, '')", ct);
    }
}

/// <summary>Lets <c>dotnet ef migrations add --context PostgresExchangeDbContext</c> build the model without a server.</summary>
internal sealed class PostgresExchangeDbContextDesignTimeFactory : PostgresDesignTimeFactory<PostgresExchangeDbContext>;

/// <summary>Lets <c>dotnet ef migrations add --context ExchangeDbContext</c> build the SQLite model.</summary>
internal sealed class ExchangeDbContextDesignTimeFactory : SqliteDesignTimeFactory<ExchangeDbContext>;
