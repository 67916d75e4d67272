using System.Text.Json;
using MediaMesh.Common.Geography;
using MediaMesh.Initiatives.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace MediaMesh.Initiatives.Persistence;

/// <summary>The service's model; on SQLite this type itself, on PostgreSQL <see cref="PostgresInitiativeDbContext"/>.</summary>
public class InitiativeDbContext : DbContext
{
    public InitiativeDbContext(DbContextOptions<InitiativeDbContext> options)
        : base(options)
    {
    }

    /// <summary>For the provider's subclass, which brings its own options type and migrations.</summary>
    protected InitiativeDbContext(DbContextOptions options)
        : base(options)
    {
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public DbSet<Initiative> Initiatives => Set<Initiative>();
    public DbSet<Signature> Signatures => Set<Signature>();
    public DbSet<Activity> Activities => Set<Activity>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    /// <summary>
    /// Holds the initiative against transitions (conclude, withdraw) until the current transaction ends, so
    /// a signature is judged on the state it is written under. SQLite: the transaction already holds the
    /// database's write lock (BEGIN IMMEDIATE). Signers do not block one another.
    /// </summary>
    public virtual Task HoldForSigningAsync(string initiativeId, CancellationToken ct) =>
        Database.CurrentTransaction is null
            ? throw new InvalidOperationException("An initiative is held for signing inside a transaction.")
            : Task.CompletedTask;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Initiative>(e =>
        {
            e.ToTable("initiatives");
            e.HasKey(i => i.Id);
            e.Property(i => i.Id).HasMaxLength(40);
            e.Property(i => i.Titles).HasConversion(Json<List<LocalizedText>>()).Metadata.SetValueComparer(JsonComparer<List<LocalizedText>>());
            e.Property(i => i.Charter).HasConversion(Json<List<LocalizedText>>()).Metadata.SetValueComparer(JsonComparer<List<LocalizedText>>());
            e.Property(i => i.Objectives).HasConversion(Json<List<Objective>>()).Metadata.SetValueComparer(JsonComparer<List<Objective>>());
            e.Property(i => i.ProposerIds).HasConversion(Json<List<string>>()).Metadata.SetValueComparer(JsonComparer<List<string>>());
            e.Property(i => i.TargetRegions).HasConversion(Json<List<WorldRegion>>()).Metadata.SetValueComparer(JsonComparer<List<WorldRegion>>());
            e.Property(i => i.Version).IsConcurrencyToken();
            e.HasIndex(i => new { i.State, i.Id });
            e.HasIndex(i => new { i.Kind, i.Id });
        });

        modelBuilder.Entity<Signature>(e =>
        {
            e.ToTable("signatures");
            e.HasKey(s => new { s.InitiativeId, s.OrganizationId });
            e.Property(s => s.UnionIds).HasConversion(Json<List<string>>()).Metadata.SetValueComparer(JsonComparer<List<string>>());
            e.Property(s => s.CountryCode).HasMaxLength(2);
            e.Property(s => s.Version).IsConcurrencyToken();
            e.HasIndex(s => new { s.InitiativeId, s.State, s.SignTime });
            e.HasIndex(s => new { s.OrganizationId, s.State });
            e.HasOne<Initiative>().WithMany().HasForeignKey(s => s.InitiativeId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<Activity>(e =>
        {
            e.ToTable("activities");
            e.HasKey(a => a.Id);
            e.Property(a => a.Id).HasMaxLength(40);
            e.Property(a => a.Titles).HasConversion(Json<List<LocalizedText>>()).Metadata.SetValueComparer(JsonComparer<List<LocalizedText>>());
            e.Property(a => a.PartnerIds).HasConversion(Json<List<string>>()).Metadata.SetValueComparer(JsonComparer<List<string>>());
            e.Property(a => a.CountryCode).HasMaxLength(2);
            e.Property(a => a.Version).IsConcurrencyToken();
            e.HasIndex(a => new { a.InitiativeId, a.StartTime, a.Id });
            e.HasOne<Initiative>().WithMany().HasForeignKey(a => a.InitiativeId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<AuditEntry>(e =>
        {
            e.ToTable("audit_entries");
            e.HasKey(a => a.Id);
            e.Property(a => a.Id).ValueGeneratedOnAdd();
            e.HasIndex(a => new { a.InitiativeId, a.Id });
            e.HasOne<Initiative>().WithMany().HasForeignKey(a => a.InitiativeId).OnDelete(DeleteBehavior.Restrict);
        });
    }

    private static ValueConverter<T, string> Json<T>()
        where T : new() => new(v => JsonSerializer.Serialize(v, JsonOptions), v => JsonSerializer.Deserialize<T>(v, JsonOptions) ?? new T());

    /// <summary>Compares by serialised form: the lists hold records whose own Equals would compare nested lists by reference.</summary>
    private static ValueComparer<T> JsonComparer<T>()
        where T : new() => new(
        (a, b) => JsonSerializer.Serialize(a, JsonOptions) == JsonSerializer.Serialize(b, JsonOptions),
        v => JsonSerializer.Serialize(v, JsonOptions).GetHashCode(StringComparison.Ordinal),
        v => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(v, JsonOptions), JsonOptions) ?? new T());
}
