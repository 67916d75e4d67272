using MediaMesh.Common;
using MediaMesh.Common.Errors;
using MediaMesh.Initiatives.Domain;
using MediaMesh.Initiatives.Persistence;
using MediaMesh.ServiceDefaults.Identity;
using Microsoft.EntityFrameworkCore;

namespace MediaMesh.Initiatives.Application;

/// <summary>
/// Who may see and change an initiative. Drafts are visible only to their co-proposers and to
/// coordinators: anyone else gets NOT_FOUND on every RPC, reads and writes alike, as if the draft
/// did not exist. Changes are for co-proposers and coordinators; anyone else who can see the
/// initiative gets PERMISSION_DENIED. The order of checks on a change is: exists and visible → may
/// change → etag → state.
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

    /// <summary>Loads an initiative for a write (tracked); NOT_FOUND if it does not exist or the caller may not see it.</summary>
    public static async Task<Initiative> FindAsync(this InitiativeDbContext db, CallerIdentity caller, string id, CancellationToken ct)
    {
        var initiative = await db.Initiatives.SingleOrDefaultAsync(i => i.Id == id, ct);
        if (initiative is null || !caller.MaySee(initiative))
        {
            throw new ResourceNotFoundException("Initiative", id);
        }

        return initiative;
    }

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
        var initiative = await db.FindAsync(caller, id, ct);
        caller.RequireEditor(initiative, action);
        if (!Etag.Matches(etag, initiative.Version))
        {
            throw new EtagMismatchException("Initiative", id);
        }

        return initiative;
    }
}
