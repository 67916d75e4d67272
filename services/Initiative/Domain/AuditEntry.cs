namespace MediaMesh.Initiatives.Domain;

/// <summary>
/// One recorded change: who (organisation), when, what. Added in the same SaveChanges as the change
/// it records, so the trail can neither miss a change nor record one that did not happen.
/// </summary>
public sealed class AuditEntry
{
    private AuditEntry()
    {
    }

    /// <summary>Database-assigned, increasing.</summary>
    public long Id { get; private set; }
    public string InitiativeId { get; private set; } = string.Empty;
    public string ActorOrganizationId { get; private set; } = string.Empty;
    public string Action { get; private set; } = string.Empty;
    public string Details { get; private set; } = string.Empty;
    public DateTime Time { get; private set; }

    public static AuditEntry Record(string initiativeId, string actorOrganizationId, string action, string details, DateTime now) => new()
    {
        InitiativeId = initiativeId,
        ActorOrganizationId = actorOrganizationId,
        Action = action,
        Details = details,
        Time = now,
    };
}

/// <summary>The audit trail's action names.</summary>
public static class AuditActions
{
    public const string InitiativeCreated = "initiative.created";
    public const string InitiativeUpdated = "initiative.updated";
    public const string InitiativeOpened = "initiative.opened";
    public const string InitiativeActivated = "initiative.activated";
    public const string InitiativeConcluded = "initiative.concluded";
    public const string InitiativeWithdrawn = "initiative.withdrawn";
    public const string SignatureSigned = "signature.signed";
    public const string SignatureWithdrawn = "signature.withdrawn";
    public const string ActivityCreated = "activity.created";
    public const string ActivityUpdated = "activity.updated";
}
