using MediaMesh.Common.Errors;
using MediaMesh.Common.Geography;

namespace MediaMesh.Initiatives.Domain;

/// <summary>The editable fields of an activity, validated field by field.</summary>
public sealed record ActivityContent(
    ActivityKind Kind,
    IReadOnlyList<LocalizedText> Titles,
    string CountryCode,
    string City,
    DateTime StartTime,
    DateTime? EndTime,
    IReadOnlyList<string> PartnerIds)
{
    public void EnsurePeriodIsValid()
    {
        if (EndTime is { } end && end < StartTime)
        {
            throw ValidationFailedException.For("activity.end_time", "must not be before start_time");
        }
    }
}

/// <summary>
/// A screening, workshop, forum session or broadcast under an initiative. Status moves once:
/// PLANNED → HELD or PLANNED → CANCELLED.
/// </summary>
public sealed class Activity
{
    private Activity()
    {
    }

    public string Id { get; private set; } = string.Empty;
    public string InitiativeId { get; private set; } = string.Empty;
    public ActivityKind Kind { get; private set; }
    public List<LocalizedText> Titles { get; private set; } = [];
    public string CountryCode { get; private set; } = string.Empty;
    public string City { get; private set; } = string.Empty;
    public WorldRegion Region { get; private set; }
    public DateTime StartTime { get; private set; }
    public DateTime? EndTime { get; private set; }
    public List<string> PartnerIds { get; private set; } = [];
    public ActivityStatus Status { get; private set; }
    public DateTime CreateTime { get; private set; }
    public DateTime UpdateTime { get; private set; }
    public long Version { get; private set; }

    public ActivityContent Content => new(Kind, Titles, CountryCode, City, StartTime, EndTime, PartnerIds);

    public static Activity Plan(string id, Initiative initiative, ActivityContent content, DateTime now)
    {
        if (!initiative.AcceptsNewActivities)
        {
            throw new PreconditionFailedException(
                $"Initiative '{initiative.Id}' is {Initiative.Describe(initiative.State)}; no activities can be added.", "STATE", initiative.Id);
        }

        var activity = new Activity
        {
            Id = id,
            InitiativeId = initiative.Id,
            Status = ActivityStatus.Planned,
            CreateTime = now,
        };
        activity.Apply(content, now);
        activity.Version = 1;
        return activity;
    }

    public void Revise(Initiative initiative, ActivityContent content, DateTime now)
    {
        EnsureEditable(initiative);
        Apply(content, now);
    }

    /// <summary>Setting the current status again changes nothing; otherwise only a planned activity moves.</summary>
    public bool SetStatus(Initiative initiative, ActivityStatus status, DateTime now)
    {
        EnsureEditable(initiative);
        if (status == Status)
        {
            return false;
        }

        if (Status != ActivityStatus.Planned)
        {
            throw new PreconditionFailedException(
                $"Activity '{Id}' is {Status.ToString().ToLowerInvariant()}; only a planned activity can change status.", "ACTIVITY_STATUS", Id);
        }

        if (status == ActivityStatus.Planned)
        {
            throw new PreconditionFailedException($"Activity '{Id}' cannot return to planned.", "ACTIVITY_STATUS", Id);
        }

        Status = status;
        Touch(now);
        return true;
    }

    private static void EnsureEditable(Initiative initiative)
    {
        if (initiative.State == InitiativeState.Withdrawn)
        {
            throw new PreconditionFailedException(
                $"Initiative '{initiative.Id}' was withdrawn; its activities can no longer change.", "STATE", initiative.Id);
        }
    }

    private void Apply(ActivityContent content, DateTime now)
    {
        content.EnsurePeriodIsValid();
        Kind = content.Kind;
        Titles = [.. content.Titles];
        CountryCode = content.CountryCode;
        City = content.City;
        Region = Countries.RegionOf(content.CountryCode);
        StartTime = content.StartTime;
        EndTime = content.EndTime;
        PartnerIds = [.. content.PartnerIds];
        Touch(now);
    }

    private void Touch(DateTime now)
    {
        UpdateTime = now;
        Version++;
    }
}
