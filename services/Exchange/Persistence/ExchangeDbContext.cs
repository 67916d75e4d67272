using System.Text.Json;
using System.Text.Json.Serialization;
using MediaMesh.Common.Audit;
using MediaMesh.Exchange.Domain;
using MediaMesh.ServiceDefaults.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace MediaMesh.Exchange.Persistence;

/// <summary>The service's model; on SQLite this type itself, on PostgreSQL <see cref="PostgresExchangeDbContext"/>.</summary>
public class ExchangeDbContext : DbContext
{
    public ExchangeDbContext(DbContextOptions<ExchangeDbContext> options)
        : base(options)
    {
    }

    /// <summary>For the provider's subclass, which brings its own options type and migrations.</summary>
    protected ExchangeDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<Offer> Offers => Set<Offer>();
    public DbSet<OfferTag> OfferTags => Set<OfferTag>();
    public DbSet<OfferVersion> OfferVersions => Set<OfferVersion>();
    public DbSet<OfferEvent> OfferEvents => Set<OfferEvent>();
    public DbSet<ContentRequest> ContentRequests => Set<ContentRequest>();
    public DbSet<Licence> Licences => Set<Licence>();
    public DbSet<UsageReport> UsageReports => Set<UsageReport>();
    public DbSet<Rendition> Renditions => Set<Rendition>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    /// <summary>Licences whose territories (a JSON array of country codes) include <paramref name="country"/>.</summary>
    public virtual IQueryable<Licence> LicencesCovering(string country) =>
        Licences.FromSql($"SELECT * FROM licences WHERE EXISTS (SELECT 1 FROM json_each(licences.Territories) WHERE json_each.value = {country})");

    /// <summary>
    /// Offers whose indexed text (<see cref="Offer.SearchText"/>) holds every one of <paramref name="words"/>
    /// (<see cref="SearchWords"/>) as a whole word. SQLite: the FTS5 table offers_fts, an external-content
    /// index over offers.SearchText keyed by the offers rowid and kept in step by triggers (created, and
    /// filled from existing rows, by the CatalogueSearchIndexes migration; a migration that rebuilds the
    /// offers table must re-create them and run <c>INSERT INTO offers_fts(offers_fts) VALUES('rebuild')</c>).
    /// Without statistics SQLite cannot tell a rare word from a common one, so this counts (up to a
    /// limit) first: a few matches are read from the text index and sorted; many are looked up while the
    /// caller's order index is walked (the unary + keeps the planner off the rowid for that).
    /// <paramref name="orderedElsewhere"/>: the caller already reads its rows in page order from another index.
    /// </summary>
    public virtual async Task<IQueryable<Offer>> OffersWithWordsAsync(IReadOnlyList<string> words, bool orderedElsewhere, CancellationToken ct)
    {
        // Every word quoted (a string, never an FTS5 operator such as NEAR, OR, "-" or a column filter); juxtaposed words are ANDed.
        var match = string.Join(' ', words.Select(w => "\"" + w.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""));
        var few = !orderedElsewhere && await Database
            .SqlQuery<int>($"SELECT count(*) AS \"Value\" FROM (SELECT 1 FROM offers_fts WHERE offers_fts MATCH {match} LIMIT {FewTextMatches})")
            .SingleAsync(ct) < FewTextMatches;
        return few
            ? Offers.FromSql($"SELECT * FROM offers WHERE rowid IN (SELECT rowid FROM offers_fts WHERE offers_fts MATCH {match})")
            : Offers.FromSql($"SELECT * FROM offers WHERE +rowid IN (SELECT rowid FROM offers_fts WHERE offers_fts MATCH {match})");
    }

    /// <summary>Up to this many text matches are sorted; beyond it the page order index is walked instead.</summary>
    protected const int FewTextMatches = 2_000;

    /// <summary>
    /// A join that gives one row per element of the JSON array of strings in <paramref name="column"/>, as
    /// <c><paramref name="alias"/>.value</c> (statistics grouped by union expand each row's union list).
    /// </summary>
    public virtual string JsonArrayJoin(string column, string alias) => $"CROSS JOIN json_each({column}) AS {alias}";

    /// <summary>
    /// Makes the current transaction the only one changing the terms or licences of
    /// <paramref name="offerId"/> until it ends, on every connection and replica: grants, kills and
    /// corrections of one offer are judged one after another, each seeing what the one before committed.
    /// SQLite: the transaction already holds the database's write lock (EF begins SQLite transactions with
    /// BEGIN IMMEDIATE), so there is nothing more to take.
    /// </summary>
    public virtual Task LockOfferAsync(string offerId, CancellationToken ct) => RequireTransaction();

    /// <summary>
    /// Call in the transaction that appends a feed event, before saving it: events then commit in cursor
    /// order, so a subscriber that has read cursor N can never later see a smaller cursor appear.
    /// SQLite: one writer at a time already gives that order.
    /// </summary>
    public virtual Task PrepareEventAppendAsync(CancellationToken ct) => RequireTransaction();

    protected Task RequireTransaction() => Database.CurrentTransaction is null
        ? throw new InvalidOperationException("Offer and event-log locks are taken inside a transaction.")
        : Task.CompletedTask;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Offer>(e =>
        {
            e.ToTable("offers");
            e.HasKey(o => o.Id);
            e.Property(o => o.Id).HasMaxLength(40);
            e.Property(o => o.OwnerId).HasMaxLength(64);
            e.Property(o => o.Content).HasConversion(Json<OfferContent>()).Metadata.SetValueComparer(JsonComparer<OfferContent>());
            e.Property(o => o.OwnerUnionIds).HasConversion(Json<List<string>>()).Metadata.SetValueComparer(ListComparer<string>());
            e.Property(o => o.Version).IsConcurrencyToken();
            e.HasMany(o => o.Tags).WithOne().HasForeignKey(t => t.OfferId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(o => new { o.OwnerId, o.CreateTime, o.Id });
            e.HasIndex(o => new { o.UpdateTime, o.Id });

            // The catalogue lists offered/corrected offers newest change first. An index that starts
            // with State cannot give that order for State IN (2, 3), so SQLite sorted every listed
            // offer per page (bench/results). These partial indexes hold only listed offers in page
            // order; the filter must match Catalogue's WHERE text for SQLite to use them, and no
            // index may lead with State or the planner prefers it (there are no ANALYZE statistics).
            e.HasIndex(o => new { o.UpdateTime, o.Id }, "IX_offers_Listed_UpdateTime_Id").HasFilter(ListedFilter);
            e.HasIndex(o => new { o.Type, o.UpdateTime, o.Id }, "IX_offers_Listed_Type_UpdateTime_Id").HasFilter(ListedFilter);
            e.HasIndex(o => new { o.OwnerRegion, o.UpdateTime, o.Id }, "IX_offers_Listed_OwnerRegion_UpdateTime_Id").HasFilter(ListedFilter);
            e.HasIndex(o => o.FirstCreateTime, "IX_offers_Listed_FirstCreateTime").HasFilter(ListedFilter);
            e.HasIndex(o => new { o.OwnerId, o.UpdateTime, o.Id }, "IX_offers_Listed_OwnerId_UpdateTime_Id").HasFilter(ListedFilter);
        });

        modelBuilder.Entity<OfferTag>(e =>
        {
            e.ToTable("offer_tags");
            e.HasKey(t => new { t.Kind, t.Value, t.OfferId });
            e.HasIndex(t => t.OfferId);

            // A tag filter reads its page straight off this index, newest change first (the sort key is the offer's).
            e.HasIndex(t => new { t.Kind, t.Value, t.UpdateTime, t.OfferId });
        });

        modelBuilder.Entity<OfferVersion>(e =>
        {
            e.ToTable("offer_versions");
            e.HasKey(v => new { v.OfferId, v.ContentVersion });
            e.Property(v => v.Snapshot).HasConversion(Json<OfferSnapshot>()).Metadata.SetValueComparer(JsonComparer<OfferSnapshot>());
            e.HasOne<Offer>().WithMany().HasForeignKey(v => v.OfferId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<OfferEvent>(e =>
        {
            e.ToTable("offer_events");
            e.HasKey(v => v.Cursor);
            e.Property(v => v.Cursor).ValueGeneratedOnAdd();
            e.Property(v => v.Snapshot).HasConversion(Json<OfferSnapshot>()).Metadata.SetValueComparer(JsonComparer<OfferSnapshot>());
            e.HasIndex(v => v.OfferId);
        });

        modelBuilder.Entity<ContentRequest>(e =>
        {
            e.ToTable("content_requests");
            e.HasKey(r => r.Id);
            e.Property(r => r.Uses).HasConversion(Json<List<UsageKind>>()).Metadata.SetValueComparer(ListComparer<UsageKind>());
            e.Property(r => r.Territories).HasConversion(Json<List<string>>()).Metadata.SetValueComparer(ListComparer<string>());
            e.Property(r => r.RequesterUnionIds).HasConversion(Json<List<string>>()).Metadata.SetValueComparer(ListComparer<string>());
            e.Property(r => r.Version).IsConcurrencyToken();
            e.HasOne<Offer>().WithMany().HasForeignKey(r => r.OfferId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(r => new { r.RequesterId, r.Id });
            e.HasIndex(r => new { r.OwnerId, r.Id });
            e.HasIndex(r => new { r.OfferId, r.State });
            e.HasIndex(r => r.CreateTime);
        });

        modelBuilder.Entity<Licence>(e =>
        {
            e.ToTable("licences");
            e.HasKey(l => l.Id);
            e.Property(l => l.Uses).HasConversion(Json<List<UsageKind>>()).Metadata.SetValueComparer(ListComparer<UsageKind>());
            e.Property(l => l.Territories).HasConversion(Json<List<string>>()).Metadata.SetValueComparer(ListComparer<string>());
            e.Property(l => l.LicenseeUnionIds).HasConversion(Json<List<string>>()).Metadata.SetValueComparer(ListComparer<string>());
            e.Property(l => l.LicensorUnionIds).HasConversion(Json<List<string>>()).Metadata.SetValueComparer(ListComparer<string>());
            e.Property(l => l.Version).IsConcurrencyToken();
            e.HasOne<Offer>().WithMany().HasForeignKey(l => l.OfferId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(l => new { l.LicenseeId, l.Id });
            e.HasIndex(l => new { l.LicensorId, l.Id });
            e.HasIndex(l => new { l.OfferId, l.State });
            e.HasIndex(l => l.GrantTime);
        });

        modelBuilder.Entity<UsageReport>(e =>
        {
            e.ToTable("usage_reports");
            e.HasKey(u => u.Id);
            e.Property(u => u.LicenseeUnionIds).HasConversion(Json<List<string>>()).Metadata.SetValueComparer(ListComparer<string>());
            e.Property(u => u.LicensorUnionIds).HasConversion(Json<List<string>>()).Metadata.SetValueComparer(ListComparer<string>());
            e.HasOne<Licence>().WithMany().HasForeignKey(u => u.LicenceId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(u => new { u.LicenceId, u.Id });
            e.HasIndex(u => new { u.OfferId, u.Id });
            e.HasIndex(u => u.UseTime);
            e.Property(u => u.RequestId).HasMaxLength(100);
            // One report per client key and licensee: a report sent twice counts once.
            e.HasIndex(u => new { u.LicenseeId, u.RequestId }).IsUnique().HasFilter("\"RequestId\" <> ''").HasDatabaseName("ux_usage_reports_request");
        });

        modelBuilder.Entity<Rendition>(e =>
        {
            e.ToTable("renditions");
            e.HasKey(r => r.Id);
            e.Property(r => r.Version).IsConcurrencyToken();
            e.HasOne<Offer>().WithMany().HasForeignKey(r => r.OfferId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(r => new { r.OfferId, r.CreateTime });
        });

        modelBuilder.ConfigureAuditTrail();
    }

    /// <summary>Offered (2) or corrected (3): the offers the catalogue lists by default.</summary>
    private const string ListedFilter = "\"State\" IN (2, 3)";

    private static ValueConverter<T, string> Json<T>()
        where T : new() => new(v => JsonSerializer.Serialize(v, JsonOptions), v => JsonSerializer.Deserialize<T>(v, JsonOptions) ?? new T());

    private static ValueComparer<List<T>> ListComparer<T>() => new(
        (a, b) => a != null && b != null && a.SequenceEqual(b),
        v => v.Aggregate(0, (h, x) => HashCode.Combine(h, x)),
        v => v.ToList());

    // Immutable records: equal when their JSON is; a snapshot is the same instance.
    private static ValueComparer<T> JsonComparer<T>() => new(
        (a, b) => JsonSerializer.Serialize(a, JsonOptions) == JsonSerializer.Serialize(b, JsonOptions),
        v => JsonSerializer.Serialize(v, JsonOptions).GetHashCode(StringComparison.Ordinal),
        v => v);

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };
}
