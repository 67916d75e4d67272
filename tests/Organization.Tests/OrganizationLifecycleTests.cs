using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Organization.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;

namespace MediaMesh.Organization.Tests;

/// <summary>CreateOrganization, GetOrganization, UpdateOrganization, ActivateOrganization and SuspendOrganization.</summary>
public sealed class OrganizationLifecycleTests(OrganizationHost host) : IClassFixture<OrganizationHost>
{
    [Fact]
    public async Task Create_stores_every_field_normalised_and_get_reads_it_back()
    {
        var request = new V1.Organization
        {
            Kind = V1.OrganizationKind.NewsAgency,
            Names =
            {
                new CommonV1.LocalizedText { Language = "ar", Text = "وكالة المغرب العربي للأنباء", Original = true },
                new CommonV1.LocalizedText { Language = "FR-ma", Text = " Agence Maghreb Arabe Presse " },
            },
            ShortName = "MAP",
            CountryCode = "ma",
            WorkingLanguages = { "ar", "FR", "zh-hans" },
            Website = "https://www.mapexpress.ma",
            ContactEmail = "desk@map.example",
            // Output-only fields are ignored.
            Id = "org_chosen_by_client",
            Status = V1.OrganizationStatus.Active,
            Role = V1.OrganizationRole.Coordinator,
            Region = CommonV1.Region.Europe,
            UnionIds = { "org_someone" },
        };

        var created = (await host.Coordinator.CreateOrganizationAsync(new V1.CreateOrganizationRequest { Organization = request })).Organization;
        var stored = await host.GetAsync(created.Id);

        Assert.Equal(created, stored);
        Assert.NotEqual("org_chosen_by_client", stored.Id);
        Assert.Equal(V1.OrganizationKind.NewsAgency, stored.Kind);
        Assert.Equal(V1.OrganizationStatus.Pending, stored.Status);
        Assert.Equal(V1.OrganizationRole.Member, stored.Role);
        Assert.Equal("MA", stored.CountryCode);
        Assert.Equal(CommonV1.Region.ArabStates, stored.Region);
        Assert.Empty(stored.UnionIds);
        Assert.Equal(["ar", "fr-MA"], stored.Names.Select(n => n.Language));
        Assert.Equal("Agence Maghreb Arabe Presse", stored.Names[1].Text);
        Assert.True(stored.Names[0].Original);
        Assert.Equal(["ar", "fr", "zh-Hans"], stored.WorkingLanguages);
        Assert.Equal("MAP", stored.ShortName);
        Assert.Equal("https://www.mapexpress.ma", stored.Website);
        Assert.Equal("desk@map.example", stored.ContactEmail);
        Assert.False(string.IsNullOrEmpty(stored.Etag));
        Assert.True(stored.CreateTime.ToDateTime() > DateTime.UtcNow.AddMinutes(-1));
    }

    [Fact]
    public async Task A_member_cannot_create_organisations()
    {
        var member = await host.CreateActiveAsync("Member Creating");
        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => host.ClientAs(member.Id).CreateOrganizationAsync(
            new V1.CreateOrganizationRequest { Organization = OrganizationHost.NewOrganization("Sneaky") }));
        var listed = await host.Coordinator.ListOrganizationsAsync(new V1.ListOrganizationsRequest { Text = "Sneaky" });
        Assert.Empty(listed.Organizations);
    }

    [Fact]
    public async Task Get_of_an_unknown_id_is_not_found()
    {
        await GrpcAssert.Refused(StatusCode.NotFound, () => host.Coordinator.GetOrganizationAsync(new V1.GetOrganizationRequest { Id = "org_nope" }));
    }

    [Fact]
    public async Task Any_member_may_read_another_organisation()
    {
        var a = await host.CreateActiveAsync("Reader A");
        var b = await host.CreateActiveAsync("Reader B");
        var seen = (await host.ClientAs(a.Id).GetOrganizationAsync(new V1.GetOrganizationRequest { Id = b.Id })).Organization;
        Assert.Equal(b.Id, seen.Id);
    }

    [Fact]
    public async Task Activate_moves_pending_to_active_with_a_new_etag()
    {
        var pending = await host.CreatePendingAsync("To Activate");
        var activated = (await host.Coordinator.ActivateOrganizationAsync(new V1.ActivateOrganizationRequest { Id = pending.Id, Etag = pending.Etag })).Organization;

        Assert.Equal(V1.OrganizationStatus.Active, activated.Status);
        Assert.NotEqual(pending.Etag, activated.Etag);
        Assert.Equal(activated, await host.GetAsync(pending.Id));
    }

    [Fact]
    public async Task Activating_an_active_organisation_is_a_failed_precondition()
    {
        var active = await host.CreateActiveAsync("Already Active");
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => host.Coordinator.ActivateOrganizationAsync(new V1.ActivateOrganizationRequest { Id = active.Id }));
        Assert.Equal(active.Etag, (await host.GetAsync(active.Id)).Etag);
    }

    [Fact]
    public async Task Activate_refusals()
    {
        var pending = await host.CreatePendingAsync("Activate Refusals");
        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => host.ClientAs(pending.Id).ActivateOrganizationAsync(new V1.ActivateOrganizationRequest { Id = pending.Id }));
        await GrpcAssert.Refused(StatusCode.NotFound, () => host.Coordinator.ActivateOrganizationAsync(new V1.ActivateOrganizationRequest { Id = "org_nope" }));
        await GrpcAssert.Refused(StatusCode.Aborted, () => host.Coordinator.ActivateOrganizationAsync(new V1.ActivateOrganizationRequest { Id = pending.Id, Etag = "W/\"99\"" }));
        await GrpcAssert.Invalid(() => host.Coordinator.ActivateOrganizationAsync(new V1.ActivateOrganizationRequest()), "id");

        Assert.Equal(pending, await host.GetAsync(pending.Id));
    }

    [Fact]
    public async Task Suspend_then_activate_again()
    {
        var active = await host.CreateActiveAsync("To Suspend");
        var suspended = (await host.Coordinator.SuspendOrganizationAsync(new V1.SuspendOrganizationRequest { Id = active.Id, Etag = active.Etag, Reason = "unpaid dues" })).Organization;
        Assert.Equal(V1.OrganizationStatus.Suspended, suspended.Status);
        Assert.Equal(suspended, await host.GetAsync(active.Id));

        var reactivated = (await host.Coordinator.ActivateOrganizationAsync(new V1.ActivateOrganizationRequest { Id = active.Id, Etag = suspended.Etag })).Organization;
        Assert.Equal(V1.OrganizationStatus.Active, reactivated.Status);
    }

    [Fact]
    public async Task Suspend_refusals()
    {
        var pending = await host.CreatePendingAsync("Suspend Refusals");
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => host.Coordinator.SuspendOrganizationAsync(new V1.SuspendOrganizationRequest { Id = pending.Id }));

        var active = await host.CreateActiveAsync("Suspend Refusals Active");
        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => host.ClientAs(active.Id).SuspendOrganizationAsync(new V1.SuspendOrganizationRequest { Id = pending.Id }));
        await GrpcAssert.Refused(StatusCode.NotFound, () => host.Coordinator.SuspendOrganizationAsync(new V1.SuspendOrganizationRequest { Id = "org_nope" }));
        await GrpcAssert.Refused(StatusCode.Aborted, () => host.Coordinator.SuspendOrganizationAsync(new V1.SuspendOrganizationRequest { Id = active.Id, Etag = pending.Etag + "x" }));
        await GrpcAssert.Invalid(() => host.Coordinator.SuspendOrganizationAsync(new V1.SuspendOrganizationRequest()), "id");
        await GrpcAssert.Invalid(() => host.Coordinator.SuspendOrganizationAsync(new V1.SuspendOrganizationRequest { Id = active.Id, Reason = new string('r', 2001) }), "reason");

        Assert.Equal(pending, await host.GetAsync(pending.Id));
        Assert.Equal(active, await host.GetAsync(active.Id));
    }

    [Fact]
    public async Task Update_changes_only_the_masked_fields_and_rederives_the_region()
    {
        var original = await host.CreateActiveAsync("Update Me");
        var change = new V1.Organization
        {
            Id = original.Id,
            Etag = original.Etag,
            CountryCode = "br",
            ShortName = "UPD",
            Website = "https://ignored.example",
            Names = { new CommonV1.LocalizedText { Language = "pt", Text = "Ignored" } },
        };

        var updated = (await host.Coordinator.UpdateOrganizationAsync(new V1.UpdateOrganizationRequest
        {
            Organization = change,
            UpdateMask = new FieldMask { Paths = { "country_code", "short_name" } },
        })).Organization;
        var stored = await host.GetAsync(original.Id);

        Assert.Equal(updated, stored);
        Assert.Equal("BR", stored.CountryCode);
        Assert.Equal(CommonV1.Region.LatinAmericaCaribbean, stored.Region);
        Assert.Equal("UPD", stored.ShortName);
        Assert.Equal(original.Website, stored.Website);
        Assert.Equal(original.Names, stored.Names);
        Assert.Equal(original.WorkingLanguages, stored.WorkingLanguages);
        Assert.Equal(original.Status, stored.Status);
        Assert.NotEqual(original.Etag, stored.Etag);
        Assert.True(stored.UpdateTime >= original.UpdateTime);
    }

    [Fact]
    public async Task An_organisation_may_update_itself_and_clear_optional_fields()
    {
        var self = await host.CreateActiveAsync("Self Updater");
        var updated = (await host.ClientAs(self.Id).UpdateOrganizationAsync(new V1.UpdateOrganizationRequest
        {
            Organization = new V1.Organization
            {
                Id = self.Id,
                Names = { new CommonV1.LocalizedText { Language = "en", Text = "Self Updater Renamed", Original = true } },
                WorkingLanguages = { "en", "fr", "EN" },
                ContactEmail = "news@self.example",
            },
            UpdateMask = new FieldMask { Paths = { "names", "working_languages", "contact_email", "website" } },
        })).Organization;

        var stored = await host.GetAsync(self.Id);
        Assert.Equal(updated, stored);
        Assert.Equal("Self Updater Renamed", Assert.Single(stored.Names).Text);
        Assert.Equal(["en", "fr"], stored.WorkingLanguages);
        Assert.Equal("news@self.example", stored.ContactEmail);
        Assert.Equal(string.Empty, stored.Website);
        var found = await host.Coordinator.ListOrganizationsAsync(new V1.ListOrganizationsRequest { Text = "self updater renamed" });
        Assert.Equal(self.Id, Assert.Single(found.Organizations).Id);
    }

    [Fact]
    public async Task A_member_may_not_move_itself_to_another_country_only_a_coordinator_may()
    {
        var self = await host.CreateActiveAsync("Radio Mover");
        var before = await host.GetAsync(self.Id);
        var move = new V1.UpdateOrganizationRequest
        {
            Organization = new V1.Organization { Id = self.Id, CountryCode = "FR" },
            UpdateMask = new FieldMask { Paths = { "country_code" } },
        };

        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => host.ClientAs(self.Id).UpdateOrganizationAsync(move));
        var unchanged = await host.GetAsync(self.Id);
        Assert.Equal(before, unchanged);

        // Naming its own country again is no change, and the other fields still go through.
        var same = (await host.ClientAs(self.Id).UpdateOrganizationAsync(new V1.UpdateOrganizationRequest
        {
            Organization = new V1.Organization { Id = self.Id, CountryCode = before.CountryCode, ShortName = "MOV" },
            UpdateMask = new FieldMask { Paths = { "country_code", "short_name" } },
        })).Organization;
        Assert.Equal(before.CountryCode, same.CountryCode);
        Assert.Equal("MOV", same.ShortName);

        var moved = (await host.Coordinator.UpdateOrganizationAsync(move)).Organization;
        Assert.Equal("FR", moved.CountryCode);
        Assert.Equal(CommonV1.Region.Europe, moved.Region);
    }

    [Fact]
    public async Task Update_refusals_leave_the_organisation_unchanged()
    {
        var target = await host.CreateActiveAsync("Update Refusals");
        var other = await host.CreateActiveAsync("Update Refusals Other");
        V1.UpdateOrganizationRequest Rename(string id, string etag = "") => new()
        {
            Organization = new V1.Organization { Id = id, Etag = etag, ShortName = "CHANGED" },
            UpdateMask = new FieldMask { Paths = { "short_name" } },
        };

        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => host.ClientAs(other.Id).UpdateOrganizationAsync(Rename(target.Id)));
        await GrpcAssert.Refused(StatusCode.NotFound, () => host.Coordinator.UpdateOrganizationAsync(Rename("org_nope")));
        await GrpcAssert.Refused(StatusCode.Aborted, () => host.Coordinator.UpdateOrganizationAsync(Rename(target.Id, "W/\"1\"")));

        Assert.Equal(target, await host.GetAsync(target.Id));
    }
}
