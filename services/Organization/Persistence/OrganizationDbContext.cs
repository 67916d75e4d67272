using System.Text.Json;
using MediaMesh.Common.Audit;
using MediaMesh.Organizations.Domain;
using MediaMesh.ServiceDefaults.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace MediaMesh.Organizations.Persistence;

/// <summary>The service's model; on SQLite this type itself, on PostgreSQL <see cref="PostgresOrganizationDbContext"/>.</summary>
public class OrganizationDbContext : DbContext
{
    public OrganizationDbContext(DbContextOptions<OrganizationDbContext> options)
        : base(options)
    {
    }

    /// <summary>For the provider's subclass, which brings its own options type and migrations.</summary>
    protected OrganizationDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<Organization> Organizations => Set<Organization>();
    public DbSet<UnionMembership> UnionMemberships => Set<UnionMembership>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Organization>(e =>
        {
            e.ToTable("organizations");
            e.HasKey(o => o.Id);
            e.Property(o => o.Id).HasMaxLength(40);
            e.Property(o => o.Names).HasConversion(Json<List<LocalizedName>>()).Metadata.SetValueComparer(ListComparer<LocalizedName>());
            e.Property(o => o.WorkingLanguages).HasConversion(Json<List<string>>()).Metadata.SetValueComparer(ListComparer<string>());
            e.Property(o => o.CountryCode).HasMaxLength(2);
            e.Property(o => o.Version).IsConcurrencyToken();
            e.HasIndex(o => new { o.SortName, o.Id });
            e.HasIndex(o => new { o.Region, o.SortName });
            e.HasIndex(o => new { o.CountryCode, o.SortName });
            e.HasIndex(o => o.Status);
        });

        modelBuilder.Entity<UnionMembership>(e =>
        {
            e.ToTable("union_memberships");
            e.HasKey(m => m.Id);
            e.Property(m => m.Version).IsConcurrencyToken();
            e.HasIndex(m => new { m.UnionId, m.State });
            e.HasIndex(m => new { m.MemberId, m.State });
            // At most one open (requested or approved) membership per union and member, even under concurrent requests.
            e.HasIndex(m => new { m.UnionId, m.MemberId }).IsUnique()
                .HasFilter($"\"State\" IN ({(int)UnionMembershipState.Requested}, {(int)UnionMembershipState.Approved})")
                .HasDatabaseName("ux_union_memberships_open");
            e.HasOne<Organization>().WithMany().HasForeignKey(m => m.UnionId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Organization>().WithMany().HasForeignKey(m => m.MemberId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<ApiKey>(e =>
        {
            e.ToTable("api_keys");
            e.HasKey(k => k.Id);
            e.HasIndex(k => k.SecretHash).IsUnique();
            e.HasIndex(k => new { k.OrganizationId, k.CreateTime });
            e.HasOne<Organization>().WithMany().HasForeignKey(k => k.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.ConfigureAuditTrail();
    }

    private static Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<T, string> Json<T>()
        where T : new() => new(v => JsonSerializer.Serialize(v, JsonOptions), v => JsonSerializer.Deserialize<T>(v, JsonOptions) ?? new T());

    private static ValueComparer<List<T>> ListComparer<T>() => new(
        (a, b) => a != null && b != null && a.SequenceEqual(b),
        v => v.Aggregate(0, (h, x) => HashCode.Combine(h, x)),
        v => v.ToList());

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}
