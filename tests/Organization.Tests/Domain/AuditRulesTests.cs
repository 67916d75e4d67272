using MediaMesh.Common.Audit;

namespace MediaMesh.Organization.Tests.Domain;

/// <summary>The shared audit rules (MediaMesh.Common.Audit), without a server.</summary>
public sealed class AuditRulesTests
{
    private static readonly DateTime Now = new(2026, 12, 2, 1, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_member_sees_entries_it_made_or_names_it_as_an_organisation_subject()
    {
        var madeByA = AuditEntry.Record("org_a", "key_a", "api_key.created", "", Now, [AuditSubject.ApiKey("key_x"), AuditSubject.Organization("org_a")]);
        var aboutA = AuditEntry.Record("org_coord", "key_c", "organization.activated", "", Now, [AuditSubject.Organization("org_a")]);
        var aboutB = AuditEntry.Record("org_coord", "key_c", "organization.activated", "", Now, [AuditSubject.Organization("org_b")]);
        // An id equal to A's that is not an organisation subject does not make the entry A's.
        var namesAOtherwise = AuditEntry.Record("org_b", "", "offer.created", "", Now, [AuditSubject.Offer("org_a")]);

        Assert.True(AuditVisibility.IsVisibleTo(madeByA, "org_a", isCoordinator: false));
        Assert.True(AuditVisibility.IsVisibleTo(aboutA, "org_a", isCoordinator: false));
        Assert.False(AuditVisibility.IsVisibleTo(aboutB, "org_a", isCoordinator: false));
        Assert.False(AuditVisibility.IsVisibleTo(namesAOtherwise, "org_a", isCoordinator: false));
        Assert.True(AuditVisibility.IsVisibleTo(aboutB, "org_a", isCoordinator: true));
    }

    [Fact]
    public void An_entry_keeps_each_subject_once_and_bounds_its_details()
    {
        var entry = AuditEntry.Record("org_a", "", "request.created", new string('d', 5000), Now,
            [AuditSubject.Organization("org_a"), AuditSubject.Organization("org_a"), AuditSubject.Offer("off_1"), AuditSubject.Organization("")]);

        Assert.Equal([(AuditSubjectType.Organization, "org_a"), (AuditSubjectType.Offer, "off_1")], entry.Subjects.Select(s => (s.Type, s.SubjectId)));
        Assert.Equal(AuditEntry.MaxDetailsLength, entry.Details.Length);
        Assert.Equal("off_1@3", AuditSubject.OfferVersion("off_1", 3).SubjectId);
    }

    [Fact]
    public void The_page_fingerprint_changes_with_every_filter()
    {
        var base_ = new AuditQuery("s", "a", "x", Now, Now.AddHours(1));
        Assert.NotEqual(base_.Fingerprint, (base_ with { SubjectId = "t" }).Fingerprint);
        Assert.NotEqual(base_.Fingerprint, (base_ with { ActorOrganizationId = null }).Fingerprint);
        Assert.NotEqual(base_.Fingerprint, (base_ with { Action = "y" }).Fingerprint);
        Assert.NotEqual(base_.Fingerprint, (base_ with { From = Now.AddSeconds(1) }).Fingerprint);
        Assert.NotEqual(base_.Fingerprint, (base_ with { Until = null }).Fingerprint);
    }
}
