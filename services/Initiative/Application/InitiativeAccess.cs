using MediaMesh.Common;
using MediaMesh.Common.Errors;
using MediaMesh.Initiatives.Domain;
using MediaMesh.Initiatives.Persistence;
using MediaMesh.ServiceDefaults.Identity;
using Microsoft.EntityFrameworkCore;

namespace MediaMesh.Initiatives.Application;

/// <summary>
/// Who may see and change an initiative. Drafts are visible only to their co-proposers and to
/// coordinators (anyone else gets NOT_FOUND on reads, as if the draft did not exist). Changes are for
/// co-proposers and coordinators; anyone else gets PERMISSION_DENIED. The order of checks on a
/// change is: exists → may change → etag → state.
/// </summary>
internal static class InitiativeAccess
{
    public static bool MaySee(this CallerIdentity caller, Initiative initiative) =>
        initiative.State != InitiativeState.Draft || caller.MayEdit(initiative);

    public static bool MayEdit(this CallerIdentity caller, Initiative initiative) =>
        caller.IsCoordinator || initiative.IsProposer(caller.OrganizationId);

    public static void RequireEditor(this CallerIdentity caller, Initiative initiative, string action)
    {
        if (!caller.MayEdit(initiative))
        {
            throw new PermissionDeniedException($"Only the initiative's co-proposers or a coordinator may {action}.");
        }
    }

    public static async Task<Initiative> FindAsync(this InitiativeDbContext db, string id, CancellationToken ct) =>
        await db.Initiatives.SingleOrDefaultAsync(i => i.Id == id, ct) ?? throw new ResourceNotFoundException("Initiative", id);

    public static async Task<Initiative> FindVisibleAsync(this InitiativeDbContext db, CallerIdentity caller, string id, CancellationToken ct)
    {
        var initiative = await db.Initiatives.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, ct);
        if (initiative is null || !caller.MaySee(initiative))
        {
            throw new ResourceNotFoundException("Initiative", id);
        }

        return initiative;
    }

    /// <summary>Loads an initiative for a change by a co-proposer or coordinator, checking the etag if one was sent.</summary>
    public static async Task<Initiative> FindForChangeAsync(this InitiativeDbContext db, CallerIdentity caller, string id, string? etag, string action, CancellationToken ct)
    {
        var initiative = await db.FindAsync(id, ct);
        caller.RequireEditor(initiative, action);
        if (!Etag.Matches(etag, initiative.Version))
        {
            throw new EtagMismatchException("Initiative", id);
        }

        return initiative;
    }
}
