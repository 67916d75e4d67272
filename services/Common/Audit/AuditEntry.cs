namespace MediaMesh.Common.Audit;

/// <summary>
/// One recorded change (or download): when, who (organisation and API key), what, and what it concerns.
/// Added to the same SaveChanges as the change it records, so the trail can neither miss a change nor
/// record one that did not happen. Every service's trail has this one shape.
/// </summary>
public sealed class AuditEntry
{
    private AuditEntry()
    {
    }

    /// <summary>Database-assigned, increasing: the trail's order and paging key.</summary>
    public long Id { get; private set; }
    public DateTime Time { get; private set; }
    public string ActorOrganizationId { get; private set; } = string.Empty;

    /// <summary>The API key the change was made with (from the caller's token); empty if none.</summary>
    public string ActorApiKeyId { get; private set; } = string.Empty;
    public string Action { get; private set; } = string.Empty;
    public string Details { get; private set; } = string.Empty;
    public List<AuditSubject> Subjects { get; private set; } = [];

    public const int MaxDetailsLength = 1000;

    public static AuditEntry Record(
        string actorOrganizationId, string actorApiKeyId, string action, string details, DateTime now, IEnumerable<AuditSubject> subjects) => new()
    {
        Time = now,
        ActorOrganizationId = actorOrganizationId,
        ActorApiKeyId = actorApiKeyId,
        Action = action,
        Details = details.Length <= MaxDetailsLength ? details : details[..(MaxDetailsLength - 1)] + "…",
        // One row per distinct subject: the same organisation may be both owner and requester, say.
        Subjects = subjects.Where(s => !string.IsNullOrEmpty(s.SubjectId)).DistinctBy(s => (s.Type, s.SubjectId))
            .Select(s => new AuditSubject(s.Type, s.SubjectId)).ToList(),
    };
}

/// <summary>Something an entry concerns: its type and id (an offer version is "offer id@version").</summary>
public sealed class AuditSubject(AuditSubjectType type, string subjectId)
{
    /// <summary>The entry this subject belongs to (database key).</summary>
    public long AuditEntryId { get; private set; }
    public AuditSubjectType Type { get; private set; } = type;
    public string SubjectId { get; private set; } = subjectId;

    public static AuditSubject Organization(string id) => new(AuditSubjectType.Organization, id);
    public static AuditSubject ApiKey(string id) => new(AuditSubjectType.ApiKey, id);
    public static AuditSubject UnionMembership(string id) => new(AuditSubjectType.UnionMembership, id);
    public static AuditSubject Offer(string id) => new(AuditSubjectType.Offer, id);
    public static AuditSubject OfferVersion(string offerId, long version) =>
        new(AuditSubjectType.OfferVersion, $"{offerId}@{version.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
    public static AuditSubject Rendition(string id) => new(AuditSubjectType.Rendition, id);
    public static AuditSubject ContentRequest(string id) => new(AuditSubjectType.ContentRequest, id);
    public static AuditSubject Licence(string id) => new(AuditSubjectType.Licence, id);
}

/// <summary>The kinds of subject; the numbers are those of mediamesh.common.v1.AuditSubjectType.</summary>
public enum AuditSubjectType
{
    Organization = 1,
    ApiKey = 2,
    UnionMembership = 3,
    Offer = 4,
    OfferVersion = 5,
    Rendition = 6,
    ContentRequest = 7,
    Licence = 8,
}
