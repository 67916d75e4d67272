using MediaMesh.Common.Errors;
using MediaMesh.Exchange.Domain;
using MediaMesh.ServiceDefaults.Identity;

namespace MediaMesh.Exchange.Tests;

/// <summary>The rule of what statistics a member and a coordinator see, without a server.</summary>
public sealed class StatisticsVisibilityTests
{
    private static readonly CallerIdentity Member = new("org_me", CallerRoles.Member);
    private static readonly CallerIdentity Coordinator = new("org_coord", CallerRoles.Coordinator);

    [Fact]
    public void A_member_gets_its_own_organisation_and_is_refused_another()
    {
        Assert.Equal("org_me", StatisticsVisibility.OrganizationShownTo(Member, null));
        Assert.Equal("org_me", StatisticsVisibility.OrganizationShownTo(Member, "org_me"));
        Assert.Throws<PermissionDeniedException>(() => StatisticsVisibility.OrganizationShownTo(Member, "org_other"));
        Assert.Null(StatisticsVisibility.OrganizationShownTo(Coordinator, null));
        Assert.Equal("org_other", StatisticsVisibility.OrganizationShownTo(Coordinator, "org_other"));
    }

    [Theory]
    [InlineData(0, null, true)]
    [InlineData(3, "org_a", true)]
    [InlineData(40, "org_a", true)]
    [InlineData(1, "org_me", true)]
    [InlineData(1, "org_a", false)]
    [InlineData(2, "org_me", false)]
    [InlineData(2, "org_a", false)]
    public void A_figure_of_fewer_than_three_organisations_is_shown_to_a_member_only_when_it_is_its_own(long organizations, string? one, bool shown)
    {
        Assert.Equal(shown, StatisticsVisibility.MaySeeAggregate(Member, [new Contributors(organizations, one)]));
        Assert.True(StatisticsVisibility.MaySeeAggregate(Coordinator, [new Contributors(organizations, one)]));
    }

    [Fact]
    public void One_small_figure_withholds_the_whole_aggregate()
    {
        Assert.False(StatisticsVisibility.MaySeeAggregate(Member, [new Contributors(10, "org_a"), new Contributors(2, "org_a")]));
        Assert.True(StatisticsVisibility.MaySeeAggregate(Member, [new Contributors(10, "org_a"), Contributors.None, new Contributors(1, "org_me")]));
    }
}
