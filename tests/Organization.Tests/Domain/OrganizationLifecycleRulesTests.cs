using MediaMesh.Common.Errors;
using MediaMesh.Common.Geography;
using MediaMesh.Organizations.Domain;
using OrgRecord = MediaMesh.Organizations.Domain.Organization;

namespace MediaMesh.Organization.Tests.Domain;

public sealed class OrganizationLifecycleRulesTests
{
    private static readonly DateTime T0 = new(2025, 3, 1, 8, 0, 0, DateTimeKind.Utc);

    internal static OrgRecord NewOrganization(string id = "org_a", string country = "KE", OrganizationKind kind = OrganizationKind.Broadcaster) =>
        OrgRecord.Register(id, kind, [new LocalizedName("en", "Kenya Broadcasting Corporation", true), new LocalizedName("sw", "Shirika la Utangazaji", false)],
            "KBC", country, ["en", "sw"], "https://kbc.example", "desk@kbc.example", T0);

    [Fact]
    public void A_registered_organisation_is_a_pending_member_at_version_one_with_derived_data()
    {
        var o = NewOrganization(country: "EG");

        Assert.Equal(OrganizationStatus.Pending, o.Status);
        Assert.Equal(OrganizationRole.Member, o.Role);
        Assert.Equal(1, o.Version);
        Assert.Equal(WorldRegion.ArabStates, o.Region);
        Assert.Equal("kenya broadcasting corporation", o.SortName);
        Assert.Contains("shirika la utangazaji", o.SearchText, StringComparison.Ordinal);
        Assert.Contains("kbc", o.SearchText, StringComparison.Ordinal);
        Assert.Equal(T0, o.CreateTime);
        Assert.Equal(T0, o.UpdateTime);
    }

    [Fact]
    public void Pending_becomes_active()
    {
        var o = NewOrganization();
        o.Activate(T0.AddMinutes(1));

        Assert.Equal(OrganizationStatus.Active, o.Status);
        Assert.Equal(2, o.Version);
        Assert.Equal(T0.AddMinutes(1), o.UpdateTime);
    }

    [Fact]
    public void Active_is_suspended_then_reactivated()
    {
        var o = NewOrganization();
        o.Activate(T0);
        o.Suspend(T0.AddDays(1));
        Assert.Equal(OrganizationStatus.Suspended, o.Status);

        o.Activate(T0.AddDays(2));
        Assert.Equal(OrganizationStatus.Active, o.Status);
        Assert.Equal(4, o.Version);
    }

    [Fact]
    public void Suspending_a_pending_organisation_is_refused_and_changes_nothing()
    {
        var o = NewOrganization();
        var ex = Assert.Throws<PreconditionFailedException>(() => o.Suspend(T0.AddHours(1)));

        Assert.Equal("STATUS", ex.ViolationType);
        Assert.Equal(OrganizationStatus.Pending, o.Status);
        Assert.Equal(1, o.Version);
        Assert.Equal(T0, o.UpdateTime);
    }

    [Fact]
    public void Suspending_a_suspended_organisation_is_refused()
    {
        var o = NewOrganization();
        o.Activate(T0);
        o.Suspend(T0);
        Assert.Throws<PreconditionFailedException>(() => o.Suspend(T0));
        Assert.Equal(OrganizationStatus.Suspended, o.Status);
    }

    [Fact]
    public void Activating_an_active_organisation_is_refused_and_changes_nothing()
    {
        var o = NewOrganization();
        o.Activate(T0);
        Assert.Throws<PreconditionFailedException>(() => o.Activate(T0.AddHours(1)));
        Assert.Equal(2, o.Version);
    }

    [Fact]
    public void Describe_moves_the_region_with_the_country_and_bumps_the_version()
    {
        var o = NewOrganization();
        o.Describe([new LocalizedName("pt-BR", "TV Brasil", true)], "", "BR", ["pt-BR"], "", "", T0.AddDays(1), byCoordinator: true);

        Assert.Equal(WorldRegion.LatinAmericaCaribbean, o.Region);
        Assert.Equal("tv brasil", o.SortName);
        Assert.Equal(2, o.Version);
    }

    [Fact]
    public void Only_a_coordinator_changes_the_country_and_so_the_region()
    {
        var o = NewOrganization();
        var country = o.CountryCode;

        Assert.Throws<PermissionDeniedException>(() =>
            o.Describe([new LocalizedName("fr", "Radio Ailleurs", true)], "", "FR", ["fr"], "", "", T0.AddDays(1), byCoordinator: false));
        Assert.Equal(country, o.CountryCode);
        Assert.Equal(1, o.Version);

        o.Describe([new LocalizedName("fr", "Radio Ici", true)], "", country, ["fr"], "", "", T0.AddDays(1), byCoordinator: false);
        Assert.Equal("radio ici", o.SortName);
    }

    [Fact]
    public void Without_an_original_name_the_first_name_is_the_sort_key()
    {
        var o = OrgRecord.Register("org_b", OrganizationKind.NewsAgency, [new LocalizedName("fr", "Agence Zeta", false), new LocalizedName("en", "Alpha Agency", false)],
            "", "SN", ["fr"], "", "", T0);
        Assert.Equal("agence zeta", o.SortName);
    }

    [Fact]
    public void Founding_coordinator_is_active_and_a_coordinator()
    {
        var o = NewOrganization();
        o.MakeFoundingCoordinator(T0);
        Assert.Equal(OrganizationStatus.Active, o.Status);
        Assert.Equal(OrganizationRole.Coordinator, o.Role);
    }

    [Fact]
    public void SetRole_changes_the_role_and_bumps_the_version()
    {
        var o = NewOrganization();
        o.SetRole(OrganizationRole.Coordinator, T0);
        Assert.Equal(OrganizationRole.Coordinator, o.Role);
        Assert.Equal(2, o.Version);
    }
}
