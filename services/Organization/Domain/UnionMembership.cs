using MediaMesh.Common.Errors;

namespace MediaMesh.Organizations.Domain;

public enum UnionMembershipState
{
    Requested = 1,
    Approved = 2,
    Declined = 3,
    Ended = 4,
}

/// <summary>
/// An organisation's membership of a broadcasting union. The union decides: requested → approved
/// or declined; an approved membership can later end. Records are kept, never deleted.
/// </summary>
public sealed class UnionMembership
{
    private UnionMembership()
    {
    }

    public string Id { get; private set; } = string.Empty;
    public string UnionId { get; private set; } = string.Empty;
    public string MemberId { get; private set; } = string.Empty;
    public UnionMembershipState State { get; private set; }
    public string Message { get; private set; } = string.Empty;
    public string DecisionReason { get; private set; } = string.Empty;
    public DateTime RequestTime { get; private set; }
    public DateTime? DecisionTime { get; private set; }
    public long Version { get; private set; }

    /// <summary>Requested and approved memberships are "open": at most one per union and member.</summary>
    public bool IsOpen => State is UnionMembershipState.Requested or UnionMembershipState.Approved;

    public static UnionMembership Request(string id, Organization union, Organization member, string message, DateTime now)
    {
        if (union.Kind != OrganizationKind.BroadcastingUnion)
        {
            throw new PreconditionFailedException($"Organisation '{union.Id}' is not a broadcasting union.", "KIND", union.Id);
        }

        if (union.Id == member.Id)
        {
            throw new PreconditionFailedException("A union cannot join itself.", "SELF", union.Id);
        }

        if (union.Status != OrganizationStatus.Active)
        {
            throw new PreconditionFailedException($"Union '{union.Id}' is not active.", "STATUS", union.Id);
        }

        return new UnionMembership
        {
            Id = id,
            UnionId = union.Id,
            MemberId = member.Id,
            State = UnionMembershipState.Requested,
            Message = message,
            RequestTime = now,
            Version = 1,
        };
    }

    public void Approve(DateTime now) => Decide(UnionMembershipState.Approved, string.Empty, now);

    public void Decline(string reason, DateTime now) => Decide(UnionMembershipState.Declined, reason, now);

    public void End(string reason, DateTime now)
    {
        if (State != UnionMembershipState.Approved)
        {
            throw new PreconditionFailedException(
                $"Only an approved membership can end; this one is {State.ToString().ToLowerInvariant()}.", "STATE", Id);
        }

        State = UnionMembershipState.Ended;
        DecisionReason = reason;
        DecisionTime = now;
        Version++;
    }

    private void Decide(UnionMembershipState outcome, string reason, DateTime now)
    {
        if (State != UnionMembershipState.Requested)
        {
            throw new PreconditionFailedException(
                $"The membership was already decided ({State.ToString().ToLowerInvariant()}).", "STATE", Id);
        }

        State = outcome;
        DecisionReason = reason;
        DecisionTime = now;
        Version++;
    }
}
