using System.Linq.Expressions;

namespace MediaMesh.Common.Audit;

/// <summary>The filters of a ListAuditEntries call; null means "any". They combine with AND.</summary>
public sealed record AuditQuery(string? SubjectId, string? ActorOrganizationId, string? Action, DateTime? From, DateTime? Until)
{
    /// <summary>Every filter in one string, for the page token's fingerprint.</summary>
    public string Fingerprint =>
        string.Join('\n', "audit", SubjectId, ActorOrganizationId, Action, From?.Ticks, Until?.Ticks);
}

/// <summary>
/// Who may read which audit entries: a coordinator reads every entry; any other caller reads the entries
/// its organisation made (the actor) or is an organisation subject of (the organisation changed, or the
/// owner, requester or licensee of what changed). Entries concerning an organisation only through an
/// object (a key, a membership, an offer) without naming it as an organisation subject are not its own.
/// </summary>
public static class AuditVisibility
{
    public static Expression<Func<AuditEntry, bool>> VisibleTo(string organizationId, bool isCoordinator) =>
        isCoordinator
            ? _ => true
            : e => e.ActorOrganizationId == organizationId
                || e.Subjects.Any(s => s.Type == AuditSubjectType.Organization && s.SubjectId == organizationId);

    public static bool IsVisibleTo(AuditEntry entry, string organizationId, bool isCoordinator) =>
        VisibleTo(organizationId, isCoordinator).Compile()(entry);
}
