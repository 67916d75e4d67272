using MediaMesh.Common.Errors;
using MediaMesh.Common.Geography;
using MediaMesh.Initiatives.Application;
using MediaMesh.Initiatives.Domain;
using MediaMesh.ServiceDefaults.Identity;

namespace MediaMesh.Initiative.Tests;

/// <summary>The domain's rules without a server: lifecycle, who may do what, signatures, activities.</summary>
public sealed class DomainRuleTests
{
    private static readonly DateTime T0 = new(2027, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    private static InitiativeContent Content(params string[] proposers) => new(
        [new LocalizedText("en", "Title", true)], [new LocalizedText("en", "Charter", true)], [],
        proposers, [], T0, T0.AddDays(30));

    private static Initiatives.Domain.Initiative Draft(params string[] proposers) =>
        Initiatives.Domain.Initiative.Create("ini_1", InitiativeKind.Campaign, Content(proposers.Length == 0 ? ["org_a"] : proposers), T0);

    private static readonly SignatoryProfile Kenya = new("KE", WorldRegion.Africa, ["org_union"]);

    public static TheoryData<InitiativeState, InitiativeState, bool> Moves()
    {
        var data = new TheoryData<InitiativeState, InitiativeState, bool>();
        var legal = new HashSet<(InitiativeState, InitiativeState)>
        {
            (InitiativeState.Draft, InitiativeState.OpenForSignature),
            (InitiativeState.OpenForSignature, InitiativeState.Active),
            (InitiativeState.Active, InitiativeState.Concluded),
            (InitiativeState.Draft, InitiativeState.Withdrawn),
            (InitiativeState.OpenForSignature, InitiativeState.Withdrawn),
            (InitiativeState.Active, InitiativeState.Withdrawn),
        };
        foreach (var from in Enum.GetValues<InitiativeState>())
        {
            foreach (var to in Enum.GetValues<InitiativeState>())
            {
                data.Add(from, to, legal.Contains((from, to)));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Moves))]
    public void Lifecycle_allows_exactly_the_documented_moves(InitiativeState from, InitiativeState to, bool legal) =>
        Assert.Equal(legal, Initiatives.Domain.Initiative.CanMove(from, to));

    [Fact]
    public void A_draft_goes_through_its_whole_life_and_each_step_changes_the_version()
    {
        var initiative = Draft();
        var versions = new List<long> { initiative.Version };
        initiative.Open(T0.AddDays(1));
        versions.Add(initiative.Version);
        initiative.Activate(T0.AddDays(2));
        versions.Add(initiative.Version);
        initiative.Conclude(T0.AddDays(3));
        versions.Add(initiative.Version);

        Assert.Equal(InitiativeState.Concluded, initiative.State);
        Assert.Equal(versions.Count, versions.Distinct().Count());
        Assert.Equal(T0.AddDays(3), initiative.UpdateTime);
    }

    [Fact]
    public void Illegal_moves_are_failed_preconditions_and_change_nothing()
    {
        var initiative = Draft();
        var version = initiative.Version;

        Assert.Throws<PreconditionFailedException>(() => initiative.Activate(T0));
        Assert.Throws<PreconditionFailedException>(() => initiative.Conclude(T0));
        Assert.Equal(InitiativeState.Draft, initiative.State);
        Assert.Equal(version, initiative.Version);

        initiative.Withdraw("no partners", T0);
        Assert.Throws<PreconditionFailedException>(() => initiative.Open(T0));
        Assert.Throws<PreconditionFailedException>(() => initiative.Withdraw("again", T0));
        Assert.Equal("no partners", initiative.WithdrawReason);
    }

    [Fact]
    public void Only_a_draft_can_be_revised()
    {
        var initiative = Draft();
        initiative.Revise(Content("org_a", "org_b") with { Titles = [new LocalizedText("en", "New title", true)] }, T0.AddHours(1));
        Assert.Equal("New title", initiative.Titles[0].Text);
        Assert.Equal("|org_a|org_b|", initiative.ProposerKey);

        initiative.Open(T0.AddHours(2));
        Assert.Throws<PreconditionFailedException>(() => initiative.Revise(Content("org_a"), T0.AddHours(3)));
        Assert.Equal(["org_a", "org_b"], initiative.ProposerIds);
    }

    [Fact]
    public void An_end_before_the_start_is_an_invalid_end_time()
    {
        var inverted = Content("org_a") with { StartTime = T0, EndTime = T0.AddDays(-1) };
        var ex = Assert.Throws<ValidationFailedException>(() => Initiatives.Domain.Initiative.Create("ini_x", InitiativeKind.Campaign, inverted, T0));
        Assert.Equal("initiative.end_time", Assert.Single(ex.Violations).Field);
        Assert.Throws<ValidationFailedException>(() => (inverted with { EndTime = T0 }).EnsurePeriodIsValid());
    }

    [Fact]
    public void Target_regions_become_a_mask_and_none_means_all()
    {
        var initiative = Initiatives.Domain.Initiative.Create("ini_r", InitiativeKind.Campaign,
            Content("org_a") with { TargetRegions = [WorldRegion.Africa, WorldRegion.ArabStates] }, T0);
        Assert.Equal(Initiatives.Domain.Initiative.MaskOf(WorldRegion.Africa) | Initiatives.Domain.Initiative.MaskOf(WorldRegion.ArabStates), initiative.TargetRegionMask);
        Assert.Equal(0, Draft().TargetRegionMask);
    }

    [Fact]
    public void Co_proposers_and_coordinators_edit_others_do_not_and_drafts_are_hidden_from_others()
    {
        var draft = Draft("org_a", "org_b");
        var proposer = new CallerIdentity("org_b", CallerRoles.Member);
        var outsider = new CallerIdentity("org_c", CallerRoles.Member);
        var coordinator = new CallerIdentity("org_z", CallerRoles.Coordinator);

        Assert.True(proposer.MayEdit(draft));
        Assert.True(coordinator.MayEdit(draft));
        Assert.False(outsider.MayEdit(draft));
        Assert.Throws<PermissionDeniedException>(() => outsider.RequireEditor(draft, "edit"));
        Assert.False(outsider.MaySee(draft));
        Assert.True(proposer.MaySee(draft));

        draft.Open(T0);
        Assert.True(outsider.MaySee(draft));
        Assert.False(outsider.MayEdit(draft));
    }

    [Theory]
    [InlineData(InitiativeState.Draft, false)]
    [InlineData(InitiativeState.OpenForSignature, true)]
    [InlineData(InitiativeState.Active, true)]
    [InlineData(InitiativeState.Concluded, false)]
    [InlineData(InitiativeState.Withdrawn, false)]
    public void Only_open_or_active_initiatives_can_be_signed(InitiativeState state, bool signable)
    {
        var initiative = InState(state);
        if (signable)
        {
            var signature = Signature.Sign(initiative, "org_s", "Name", "Title", Kenya, T0);
            Assert.True(signature.IsCurrent);
            Assert.Equal(WorldRegion.Africa, signature.Region);
            Assert.Equal("|org_union|", signature.UnionKey);
        }
        else
        {
            Assert.Throws<PreconditionFailedException>(() => Signature.Sign(initiative, "org_s", "Name", "Title", Kenya, T0));
        }
    }

    [Fact]
    public void A_withdrawn_signature_is_kept_with_time_and_reason_and_can_be_renewed()
    {
        var initiative = InState(InitiativeState.Active);
        var signature = Signature.Sign(initiative, "org_s", "Name", "Title", Kenya, T0);

        signature.Withdraw(initiative, "board decision", T0.AddDays(1));
        Assert.Equal(SignatureState.Withdrawn, signature.State);
        Assert.Equal(T0.AddDays(1), signature.WithdrawTime);
        Assert.Equal("board decision", signature.WithdrawReason);
        Assert.Throws<PreconditionFailedException>(() => signature.Withdraw(initiative, "again", T0.AddDays(2)));

        signature.Renew(initiative, "New Name", string.Empty, Kenya, T0.AddDays(3));
        Assert.True(signature.IsCurrent);
        Assert.Equal(T0.AddDays(3), signature.SignTime);
        Assert.Null(signature.WithdrawTime);
        Assert.Throws<InvalidOperationException>(() => signature.Renew(initiative, "x", string.Empty, Kenya, T0.AddDays(4)));
    }

    [Fact]
    public void Signatures_of_a_concluded_initiative_cannot_be_withdrawn()
    {
        var initiative = InState(InitiativeState.Active);
        var signature = Signature.Sign(initiative, "org_s", "Name", "Title", Kenya, T0);
        initiative.Conclude(T0.AddDays(1));
        Assert.Throws<PreconditionFailedException>(() => signature.Withdraw(initiative, "late", T0.AddDays(2)));
        Assert.True(signature.IsCurrent);
    }

    [Fact]
    public void Activity_status_moves_once_from_planned_and_setting_the_same_status_is_no_change()
    {
        var initiative = InState(InitiativeState.Active);
        var activity = Activity.Plan("act_1", initiative, new ActivityContent(ActivityKind.Workshop, [new LocalizedText("en", "Workshop", true)],
            "BR", "Rio", T0, T0.AddDays(1), []), T0);
        Assert.Equal(ActivityStatus.Planned, activity.Status);
        Assert.Equal(WorldRegion.LatinAmericaCaribbean, activity.Region);

        Assert.False(activity.SetStatus(initiative, ActivityStatus.Planned, T0));
        Assert.True(activity.SetStatus(initiative, ActivityStatus.Held, T0.AddDays(2)));
        Assert.False(activity.SetStatus(initiative, ActivityStatus.Held, T0.AddDays(2)));
        Assert.Throws<PreconditionFailedException>(() => activity.SetStatus(initiative, ActivityStatus.Cancelled, T0.AddDays(3)));
    }

    [Fact]
    public void Activities_are_not_added_to_finished_initiatives_and_end_not_before_start()
    {
        var content = new ActivityContent(ActivityKind.Screening, [new LocalizedText("en", "Screening", true)], "KE", "Nairobi", T0, null, []);
        Assert.Throws<PreconditionFailedException>(() => Activity.Plan("act_2", InState(InitiativeState.Concluded), content, T0));
        Assert.Throws<PreconditionFailedException>(() => Activity.Plan("act_3", InState(InitiativeState.Withdrawn), content, T0));
        var ex = Assert.Throws<ValidationFailedException>(() => Activity.Plan("act_4", InState(InitiativeState.Draft), content with { EndTime = T0.AddMinutes(-1) }, T0));
        Assert.Equal("activity.end_time", Assert.Single(ex.Violations).Field);
    }

    private static Initiatives.Domain.Initiative InState(InitiativeState state)
    {
        var initiative = Draft();
        switch (state)
        {
            case InitiativeState.OpenForSignature:
                initiative.Open(T0);
                break;
            case InitiativeState.Active:
                initiative.Open(T0);
                initiative.Activate(T0);
                break;
            case InitiativeState.Concluded:
                initiative.Open(T0);
                initiative.Activate(T0);
                initiative.Conclude(T0);
                break;
            case InitiativeState.Withdrawn:
                initiative.Withdraw("reason", T0);
                break;
        }

        return initiative;
    }
}
