using MediaMesh.Common.Audit;
using MediaMesh.Common.Errors;
using MediaMesh.Common.Paging;
using MediaMesh.ServiceDefaults.Identity;
using Microsoft.EntityFrameworkCore;

namespace MediaMesh.ServiceDefaults.Audit;

/// <summary>
/// The audit trail as every service stores it: the tables (<see cref="ConfigureAuditTrail"/>), recording an
/// entry with the caller's organisation and API key into the change's own SaveChanges
/// (<see cref="RecordAudit"/>), and the filtered, keyset-paged listing under <see cref="AuditVisibility"/>.
/// </summary>
public static class AuditTrail
{
    /// <summary>Maps <see cref="AuditEntry"/> and its subjects, with indexes for every filter in the listing's order.</summary>
    public static void ConfigureAuditTrail(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AuditEntry>(e =>
        {
            e.ToTable("audit_entries");
            e.HasKey(a => a.Id);
            e.Property(a => a.Id).ValueGeneratedOnAdd();
            e.Property(a => a.ActorOrganizationId).HasMaxLength(64);
            e.Property(a => a.ActorApiKeyId).HasMaxLength(64);
            e.Property(a => a.Action).HasMaxLength(64);
            e.Property(a => a.Details).HasMaxLength(AuditEntry.MaxDetailsLength);
            e.HasMany(a => a.Subjects).WithOne().HasForeignKey(s => s.AuditEntryId).OnDelete(DeleteBehavior.Cascade);
            e.Navigation(a => a.Subjects).AutoInclude();
            e.HasIndex(a => new { a.ActorOrganizationId, a.Id });
            e.HasIndex(a => new { a.Action, a.Id });
            e.HasIndex(a => new { a.Time, a.Id });
        });

        modelBuilder.Entity<AuditSubject>(e =>
        {
            e.ToTable("audit_entry_subjects");
            e.HasKey(s => new { s.AuditEntryId, s.Type, s.SubjectId });
            e.Property(s => s.SubjectId).HasMaxLength(128);
            // The subject filter and the members' visibility rule look entries up by subject id.
            e.HasIndex(s => new { s.SubjectId, s.Type, s.AuditEntryId });
        });
    }

    /// <summary>Adds an entry for <paramref name="caller"/>'s change; it is saved by the change's own SaveChanges.</summary>
    public static AuditEntry RecordAudit(
        this DbContext db, CallerIdentity caller, string action, string details, DateTime now, params IEnumerable<AuditSubject> subjects)
    {
        var entry = AuditEntry.Record(caller.OrganizationId, caller.ApiKeyId, action, details, now, subjects);
        db.Set<AuditEntry>().Add(entry);
        return entry;
    }

    /// <summary>One page of the entries <paramref name="caller"/> may see that match <paramref name="query"/>, oldest first.</summary>
    public static async Task<PageResult<AuditEntry>> ListAuditEntriesAsync(
        this DbContext db, CallerIdentity caller, AuditQuery query, PageRequest page, CancellationToken ct)
    {
        var rows = db.Set<AuditEntry>().AsNoTracking().Where(AuditVisibility.VisibleTo(caller.OrganizationId, caller.IsCoordinator));
        if (query.SubjectId is { } subjectId)
        {
            rows = rows.Where(e => e.Subjects.Any(s => s.SubjectId == subjectId));
        }

        if (query.ActorOrganizationId is { } actor)
        {
            rows = rows.Where(e => e.ActorOrganizationId == actor);
        }

        if (query.Action is { } action)
        {
            rows = rows.Where(e => e.Action == action);
        }

        if (query.From is { } from)
        {
            rows = rows.Where(e => e.Time >= from);
        }

        if (query.Until is { } until)
        {
            rows = rows.Where(e => e.Time < until);
        }

        if (page.After is { } after)
        {
            if (!long.TryParse(after.Id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var afterId))
            {
                throw ValidationFailedException.For("page_token", "is not a token from a previous page of this same query");
            }

            rows = rows.Where(e => e.Id > afterId);
        }

        var fetched = await rows.OrderBy(e => e.Id).Take(page.PageSize + 1).ToListAsync(ct);
        return PageResult.From(fetched, page, query.Fingerprint,
            e => new PageCursor(string.Empty, e.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }
}
