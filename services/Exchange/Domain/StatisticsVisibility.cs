using MediaMesh.Common.Errors;
using MediaMesh.ServiceDefaults.Identity;

namespace MediaMesh.Exchange.Domain;

/// <summary>
/// How many distinct organisations stand behind one figure of a group (a region, a union, one side of a
/// flow cell), and one of them: when there is only one, it is that organisation.
/// </summary>
public readonly record struct Contributors(long Organizations, string? AnyOrganization)
{
    public static readonly Contributors None = new(0, null);
}

/// <summary>
/// What the exchange's statistics show to whom. Coordinators see every figure, per organisation too. A
/// member sees its own per-organisation figures and the aggregates by region and union, except an
/// aggregate that would disclose someone else's figures: a figure made by fewer than
/// <see cref="MinimumGroupSize"/> organisations is shown to a member only when the member is the only
/// one (then it is its own figure). With two organisations in a group, each could subtract its own
/// figures and read the other's, so belonging to a small group is not enough.
/// </summary>
public static class StatisticsVisibility
{
    /// <summary>The fewest distinct organisations whose figures a member may see added up.</summary>
    public const int MinimumGroupSize = 3;

    /// <summary>True if the caller sees every organisation's own figures.</summary>
    public static bool SeesEveryOrganization(CallerIdentity caller) => caller.IsCoordinator;

    /// <summary>
    /// The one organisation whose per-organisation figures the caller gets, or null for every organisation
    /// (coordinators). A member asking for another organisation is refused.
    /// </summary>
    public static string? OrganizationShownTo(CallerIdentity caller, string? requested)
    {
        if (SeesEveryOrganization(caller))
        {
            return string.IsNullOrEmpty(requested) ? null : requested;
        }

        if (!string.IsNullOrEmpty(requested) && requested != caller.OrganizationId)
        {
            throw new PermissionDeniedException("A member sees only its own per-organisation figures; coordinators see every organisation's.");
        }

        return caller.OrganizationId;
    }

    /// <summary>True if the caller may see an aggregate whose figures come from <paramref name="figures"/>.</summary>
    public static bool MaySeeAggregate(CallerIdentity caller, IEnumerable<Contributors> figures) =>
        SeesEveryOrganization(caller) || figures.All(f => Discloses(caller, f) is false);

    private static bool Discloses(CallerIdentity caller, Contributors figure) =>
        figure.Organizations is > 0 and < MinimumGroupSize
        && !(figure.Organizations == 1 && figure.AnyOrganization == caller.OrganizationId);
}
