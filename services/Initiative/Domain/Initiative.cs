using MediaMesh.Common.Errors;
using MediaMesh.Common.Geography;

namespace MediaMesh.Initiatives.Domain;

/// <summary>
/// A joint initiative, campaign, screening programme, co-production or communication season. It owns
/// its lifecycle: DRAFT → OPEN_FOR_SIGNATURE → ACTIVE → CONCLUDED, and DRAFT/OPEN/ACTIVE → WITHDRAWN.
/// Only drafts can be edited; only open or active initiatives accept signatures.
/// </summary>
public sealed class Initiative
{
    private Initiative()
    {
    }

    public string Id { get; private set; } = string.Empty;
    public InitiativeKind Kind { get; private set; }
    public List<LocalizedText> Titles { get; private set; } = [];
    public List<LocalizedText> Charter { get; private set; } = [];
    public List<Objective> Objectives { get; private set; } = [];
    public List<string> ProposerIds { get; private set; } = [];
    public List<WorldRegion> TargetRegions { get; private set; } = [];
    public DateTime? StartTime { get; private set; }
    public DateTime? EndTime { get; private set; }
    public InitiativeState State { get; private set; }
    public string WithdrawReason { get; private set; } = string.Empty;
    public DateTime CreateTime { get; private set; }
    public DateTime UpdateTime { get; private set; }

    /// <summary>Lower-case titles and charter, searched by ListInitiatives' text filter.</summary>
    public string SearchText { get; private set; } = string.Empty;

    /// <summary>
    /// "|id1|id2|": lets ListInitiatives filter by proposer (and hide other members' drafts) in SQL
    /// without a join table; ProposerIds keeps the order for output.
    /// </summary>
    public string ProposerKey { get; private set; } = string.Empty;

    /// <summary>Bit (1 &lt;&lt; region) per target region; 0 means "all regions".</summary>
    public int TargetRegionMask { get; private set; }

    /// <summary>Incremented on every change; the concurrency token behind the etag.</summary>
    public long Version { get; private set; }

    public bool AcceptsSignatures => State is InitiativeState.OpenForSignature or InitiativeState.Active;

    public bool AcceptsNewActivities => State is InitiativeState.Draft or InitiativeState.OpenForSignature or InitiativeState.Active;

    public bool IsFinal => State is InitiativeState.Concluded or InitiativeState.Withdrawn;

    public static Initiative Create(string id, InitiativeKind kind, InitiativeContent content, DateTime now)
    {
        var initiative = new Initiative
        {
            Id = id,
            Kind = kind,
            State = InitiativeState.Draft,
            CreateTime = now,
        };
        initiative.Apply(content, now);
        initiative.Version = 1;
        return initiative;
    }

    public static string KeyOf(string organizationId) => "|" + organizationId + "|";

    public static int MaskOf(WorldRegion region) => 1 << (int)region;

    public bool IsProposer(string organizationId) => ProposerIds.Contains(organizationId, StringComparer.Ordinal);

    public InitiativeContent Content => new(Titles, Charter, Objectives, ProposerIds, TargetRegions, StartTime, EndTime);

    /// <summary>Replaces the editable fields. Only a draft can be revised.</summary>
    public void Revise(InitiativeContent content, DateTime now)
    {
        if (State != InitiativeState.Draft)
        {
            throw new PreconditionFailedException(
                $"Only a draft can be edited; initiative '{Id}' is {Describe(State)}.", "STATE", Id);
        }

        Apply(content, now);
    }

    public void Open(DateTime now) => MoveTo(InitiativeState.OpenForSignature, now);

    public void Activate(DateTime now) => MoveTo(InitiativeState.Active, now);

    public void Conclude(DateTime now) => MoveTo(InitiativeState.Concluded, now);

    public void Withdraw(string reason, DateTime now)
    {
        MoveTo(InitiativeState.Withdrawn, now);
        WithdrawReason = reason;
    }

    /// <summary>The lifecycle's only legal moves.</summary>
    public static bool CanMove(InitiativeState from, InitiativeState to) => (from, to) switch
    {
        (InitiativeState.Draft, InitiativeState.OpenForSignature) => true,
        (InitiativeState.OpenForSignature, InitiativeState.Active) => true,
        (InitiativeState.Active, InitiativeState.Concluded) => true,
        (InitiativeState.Draft or InitiativeState.OpenForSignature or InitiativeState.Active, InitiativeState.Withdrawn) => true,
        _ => false,
    };

    /// <summary>FAILED_PRECONDITION unless organisations may sign now.</summary>
    public void EnsureAcceptsSignatures()
    {
        if (!AcceptsSignatures)
        {
            throw new PreconditionFailedException(
                $"Initiative '{Id}' is {Describe(State)}; only an initiative open for signature or active can be signed.", "STATE", Id);
        }
    }

    public static string Describe(InitiativeState state) => state switch
    {
        InitiativeState.Draft => "a draft",
        InitiativeState.OpenForSignature => "open for signature",
        InitiativeState.Active => "active",
        InitiativeState.Concluded => "concluded",
        InitiativeState.Withdrawn => "withdrawn",
        _ => state.ToString(),
    };

    private void MoveTo(InitiativeState target, DateTime now)
    {
        if (!CanMove(State, target))
        {
            throw new PreconditionFailedException(
                $"Initiative '{Id}' is {Describe(State)} and cannot become {Describe(target)}.", "STATE", Id);
        }

        State = target;
        Touch(now);
    }

    private void Apply(InitiativeContent content, DateTime now)
    {
        content.EnsurePeriodIsValid();
        if (content.Titles.Count == 0 || content.Charter.Count == 0 || content.ProposerIds.Count == 0)
        {
            throw new ArgumentException("An initiative needs titles, a charter and proposers; validate before.", nameof(content));
        }

        Titles = [.. content.Titles];
        Charter = [.. content.Charter];
        Objectives = [.. content.Objectives];
        ProposerIds = [.. content.ProposerIds];
        TargetRegions = [.. content.TargetRegions];
        StartTime = content.StartTime;
        EndTime = content.EndTime;
        SearchText = string.Join('\n', Titles.Concat(Charter).Select(t => t.Text)).ToLowerInvariant();
        ProposerKey = "|" + string.Join('|', ProposerIds) + "|";
        TargetRegionMask = TargetRegions.Aggregate(0, (mask, region) => mask | MaskOf(region));
        Touch(now);
    }

    private void Touch(DateTime now)
    {
        UpdateTime = now;
        Version++;
    }
}
