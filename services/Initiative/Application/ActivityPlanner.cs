using MediaMesh.Common;
using MediaMesh.Common.Errors;
using MediaMesh.Common.Paging;
using MediaMesh.Initiatives.Domain;
using MediaMesh.Initiatives.Persistence;
using MediaMesh.ServiceDefaults.Identity;
using Microsoft.EntityFrameworkCore;

namespace MediaMesh.Initiatives.Application;

/// <summary>Activities under an initiative: planned, revised and marked held or cancelled by its co-proposers.</summary>
public sealed class ActivityPlanner(InitiativeDbContext db, OrganizationDirectoryClient organizations, TimeProvider clock)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<Activity> CreateAsync(CallerIdentity caller, string initiativeId, ActivityContent content, CancellationToken ct)
    {
        var initiative = await db.FindAsync(caller, initiativeId, ct);
        caller.RequireEditor(initiative, "plan its activities");
        content.EnsurePeriodIsValid();
        var activity = Activity.Plan(Ids.NewActivityId(), initiative, content, Now);
        await organizations.RequireActiveAsync(OrganizationReference.Within(content.PartnerIds, content.PartnerIds, "activity.partner_ids"), ct);
        db.Activities.Add(activity);
        db.AuditEntries.Add(AuditEntry.Record(initiativeId, caller.OrganizationId, AuditActions.ActivityCreated,
            $"{activity.Id}: {content.Kind} in {content.CountryCode} planned", Now));
        await db.SaveChangesAsync(ct);
        return activity;
    }

    public async Task<Activity> GetAsync(CallerIdentity caller, string id, CancellationToken ct)
    {
        var activity = await db.Activities.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct)
            ?? throw new ResourceNotFoundException("Activity", id);
        var initiative = await db.Initiatives.AsNoTracking().SingleAsync(i => i.Id == activity.InitiativeId, ct);
        if (!caller.MaySee(initiative))
        {
            throw new ResourceNotFoundException("Activity", id);
        }

        return activity;
    }

    public async Task<PageResult<Activity>> ListAsync(CallerIdentity caller, string initiativeId, ActivityStatus? status, PageRequest page, string fingerprint, CancellationToken ct)
    {
        await db.FindVisibleAsync(caller, initiativeId, ct);
        IQueryable<Activity> rows = db.Activities.AsNoTracking().Where(a => a.InitiativeId == initiativeId);
        if (status is { } s)
        {
            rows = rows.Where(a => a.Status == s);
        }

        if (page.After is { } after)
        {
            if (!long.TryParse(after.SortKey, System.Globalization.CultureInfo.InvariantCulture, out var ticks) || ticks < 0 || ticks > DateTime.MaxValue.Ticks)
            {
                throw ValidationFailedException.For("page_token", "is not a token from a previous page of this same query");
            }

            var afterTime = new DateTime(ticks, DateTimeKind.Utc);
            rows = rows.Where(a => a.StartTime > afterTime || (a.StartTime == afterTime && a.Id.CompareTo(after.Id) > 0));
        }

        var fetched = await rows.OrderBy(a => a.StartTime).ThenBy(a => a.Id).Take(page.PageSize + 1).ToListAsync(ct);
        return PageResult.From(fetched, page, fingerprint,
            a => new PageCursor(a.StartTime.Ticks.ToString("D19", System.Globalization.CultureInfo.InvariantCulture), a.Id));
    }

    /// <summary>
    /// Revises an activity. <paramref name="change"/> builds the new content from the current one and
    /// may throw INVALID_ARGUMENT; <paramref name="status"/>, if set, moves the status. Only newly added
    /// partners are checked with the organization service.
    /// </summary>
    public async Task<Activity> UpdateAsync(
        CallerIdentity caller, string id, string? etag, IReadOnlyCollection<string> fields,
        Func<ActivityContent, ActivityContent>? change, ActivityStatus? status, CancellationToken ct)
    {
        var activity = await db.Activities.SingleOrDefaultAsync(a => a.Id == id, ct) ?? throw new ResourceNotFoundException("Activity", id);
        var initiative = await db.FindAsync(caller, activity.InitiativeId, ct);
        caller.RequireEditor(initiative, "change its activities");
        if (!Etag.Matches(etag, activity.Version))
        {
            throw new EtagMismatchException("Activity", id);
        }

        var now = Now;
        if (change is not null)
        {
            var content = change(activity.Content);
            content.EnsurePeriodIsValid();
            var added = content.PartnerIds.Where(p => !activity.PartnerIds.Contains(p, StringComparer.Ordinal)).ToArray();
            activity.Revise(initiative, content, now);
            await organizations.RequireActiveAsync(OrganizationReference.Within(added, content.PartnerIds, "activity.partner_ids"), ct);
        }

        if (status is { } target)
        {
            activity.SetStatus(initiative, target, now);
        }

        db.AuditEntries.Add(AuditEntry.Record(activity.InitiativeId, caller.OrganizationId, AuditActions.ActivityUpdated,
            $"{id}: changed {string.Join(", ", fields)}; status {activity.Status}", now));
        await db.SaveChangesAsync(ct);
        return activity;
    }
}
