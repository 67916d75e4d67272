using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MediaMesh.Common.Audit;
using MediaMesh.Organizations.Persistence;
using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using V1 = MediaMesh.Contracts.Organization.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;

namespace MediaMesh.Organization.Tests;

/// <summary>The directory's audit trail: one entry per change, in the change's transaction, read through ListAuditEntries.</summary>
public sealed class AuditTrailTests(OrganizationHost host) : IClassFixture<OrganizationHost>
{
    private const string CoordinatorKey = "key_test_coordinator";

    private V1.OrganizationService.OrganizationServiceClient Coordinator =>
        new(host.As(OrganizationHost.CoordinatorId, CallerRoles.Coordinator, CoordinatorKey));

    private V1.OrganizationService.OrganizationServiceClient Member(string id, string? key = null) => new(host.As(id, CallerRoles.Member, key));

    private static V1.ListAuditEntriesRequest About(string subjectId, int pageSize = 200) =>
        new() { Filter = new CommonV1.AuditFilter { SubjectId = subjectId }, PageSize = pageSize };

    private static async Task<List<CommonV1.AuditEntry>> AllAsync(V1.OrganizationService.OrganizationServiceClient client, V1.ListAuditEntriesRequest request)
    {
        var entries = new List<CommonV1.AuditEntry>();
        do
        {
            var page = await client.ListAuditEntriesAsync(request);
            entries.AddRange(page.Entries);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
        return entries;
    }

    private async Task<V1.Organization> CreatePendingAsync(string name, V1.OrganizationKind kind = V1.OrganizationKind.Broadcaster) =>
        (await Coordinator.CreateOrganizationAsync(new V1.CreateOrganizationRequest { Organization = OrganizationHost.NewOrganization(OrganizationHost.Unique(name), kind: kind) })).Organization;

    private async Task<V1.Organization> CreateActiveAsync(string name, V1.OrganizationKind kind = V1.OrganizationKind.Broadcaster)
    {
        var created = await CreatePendingAsync(name, kind);
        return (await Coordinator.ActivateOrganizationAsync(new V1.ActivateOrganizationRequest { Id = created.Id })).Organization;
    }

    [Fact]
    public async Task Every_change_to_an_organisation_writes_exactly_one_entry_with_actor_key_and_subject()
    {
        var created = await CreatePendingAsync("Audited Broadcaster");
        var updated = (await Coordinator.UpdateOrganizationAsync(new V1.UpdateOrganizationRequest
        {
            Organization = new V1.Organization { Id = created.Id, CountryCode = "GH" },
            UpdateMask = new FieldMask { Paths = { "country_code" } },
        })).Organization;
        await Coordinator.ActivateOrganizationAsync(new V1.ActivateOrganizationRequest { Id = created.Id, Etag = updated.Etag });
        await Coordinator.SuspendOrganizationAsync(new V1.SuspendOrganizationRequest { Id = created.Id, Reason = "dues unpaid" });
        await Coordinator.SetOrganizationRoleAsync(new V1.SetOrganizationRoleRequest { Id = created.Id, Role = V1.OrganizationRole.Coordinator });

        var entries = await AllAsync(Coordinator, About(created.Id));

        Assert.Equal(
            ["organization.created", "organization.updated", "organization.activated", "organization.suspended", "organization.role_changed"],
            entries.Select(e => e.Action));
        Assert.All(entries, e =>
        {
            Assert.Equal(OrganizationHost.CoordinatorId, e.ActorOrganizationId);
            Assert.Equal(CoordinatorKey, e.ActorApiKeyId);
            var subject = Assert.Single(e.Subjects);
            Assert.Equal(CommonV1.AuditSubjectType.Organization, subject.Type);
            Assert.Equal(created.Id, subject.Id);
            Assert.True(e.Time.ToDateTime() > DateTime.UtcNow.AddMinutes(-1));
        });
        Assert.Contains("KE -> GH", entries[1].Details, StringComparison.Ordinal);
        Assert.Equal("Pending -> Active", entries[2].Details);
        Assert.Contains("dues unpaid", entries[3].Details, StringComparison.Ordinal);
        Assert.Equal("Member -> Coordinator", entries[4].Details);
        Assert.True(entries.Zip(entries.Skip(1)).All(p => p.First.Id < p.Second.Id), "oldest first, by increasing id");
    }

    [Fact]
    public async Task Keys_created_and_revoked_and_memberships_requested_decided_and_ended_are_each_one_entry()
    {
        var union = await CreateActiveAsync("Audited Union", V1.OrganizationKind.BroadcastingUnion);
        var member = await CreateActiveAsync("Audited Member");
        var other = await CreateActiveAsync("Audited Other");

        var key = (await Member(member.Id, "key_member_own").CreateApiKeyAsync(new V1.CreateApiKeyRequest { OrganizationId = member.Id, DisplayName = "newsroom" })).ApiKey;
        await Member(member.Id, "key_member_own").RevokeApiKeyAsync(new V1.RevokeApiKeyRequest { OrganizationId = member.Id, Id = key.Id });
        // Revoking again changes nothing and records nothing.
        await Member(member.Id).RevokeApiKeyAsync(new V1.RevokeApiKeyRequest { OrganizationId = member.Id, Id = key.Id });

        var approved = await host.ApprovedMembershipAsync(union.Id, member.Id);
        await Member(member.Id).EndUnionMembershipAsync(new V1.EndUnionMembershipRequest { Id = approved.Id, Reason = "moved on" });
        var declined = await host.RequestMembershipAsync(union.Id, other.Id);
        await Member(union.Id).DeclineUnionMembershipAsync(new V1.DeclineUnionMembershipRequest { Id = declined.Id, Reason = "not a broadcaster here" });

        var keyEntries = await AllAsync(Coordinator, About(key.Id));
        Assert.Equal(["api_key.created", "api_key.revoked"], keyEntries.Select(e => e.Action));
        Assert.All(keyEntries, e =>
        {
            Assert.Equal(member.Id, e.ActorOrganizationId);
            Assert.Equal("key_member_own", e.ActorApiKeyId);
            Assert.Contains(e.Subjects, s => s.Type == CommonV1.AuditSubjectType.ApiKey && s.Id == key.Id);
            Assert.Contains(e.Subjects, s => s.Type == CommonV1.AuditSubjectType.Organization && s.Id == member.Id);
        });

        var approvedEntries = await AllAsync(Coordinator, About(approved.Id));
        Assert.Equal(["membership.requested", "membership.approved", "membership.ended"], approvedEntries.Select(e => e.Action));
        Assert.Equal([member.Id, union.Id, member.Id], approvedEntries.Select(e => e.ActorOrganizationId));
        Assert.All(approvedEntries, e => Assert.Equal(
            new[] { (CommonV1.AuditSubjectType.Organization, union.Id), (CommonV1.AuditSubjectType.Organization, member.Id) }.Order()
                .Append((CommonV1.AuditSubjectType.UnionMembership, approved.Id)),
            e.Subjects.Select(s => (s.Type, s.Id))));
        Assert.Equal("Requested -> Approved", approvedEntries[1].Details);

        var declinedEntries = await AllAsync(Coordinator, About(declined.Id));
        Assert.Equal(["membership.requested", "membership.declined"], declinedEntries.Select(e => e.Action));
        Assert.Contains("not a broadcaster here", declinedEntries[1].Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_change_writes_no_entry()
    {
        var organization = await CreateActiveAsync("Refused Changes");
        var before = await AllAsync(Coordinator, About(organization.Id));

        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => Coordinator.ActivateOrganizationAsync(new V1.ActivateOrganizationRequest { Id = organization.Id }));
        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => Member(organization.Id).SuspendOrganizationAsync(new V1.SuspendOrganizationRequest { Id = organization.Id }));
        await GrpcAssert.Refused(StatusCode.Aborted, () => Coordinator.SuspendOrganizationAsync(new V1.SuspendOrganizationRequest { Id = organization.Id, Etag = "\"0\"" }));
        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => Member(organization.Id).UpdateOrganizationAsync(new V1.UpdateOrganizationRequest
        {
            Organization = new V1.Organization { Id = organization.Id, CountryCode = "FR" },
            UpdateMask = new FieldMask { Paths = { "country_code" } },
        }));

        Assert.Equal(before.Select(e => e.Id), (await AllAsync(Coordinator, About(organization.Id))).Select(e => e.Id));
    }

    [Fact]
    public async Task Concurrent_changes_of_one_row_record_only_the_change_that_committed()
    {
        // Both activations read the same version; the losing one fails at SaveChanges (the concurrency token),
        // after its audit entry was added: the entry must roll back with it.
        var pending = await CreatePendingAsync("Raced Activation");
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            try
            {
                await Coordinator.ActivateOrganizationAsync(new V1.ActivateOrganizationRequest { Id = pending.Id, Etag = pending.Etag });
                return StatusCode.OK;
            }
            catch (RpcException ex)
            {
                return ex.StatusCode;
            }
        }));

        Assert.Equal(1, results.Count(r => r == StatusCode.OK));
        Assert.All(results.Where(r => r != StatusCode.OK), r => Assert.True(r is StatusCode.Aborted or StatusCode.FailedPrecondition, r.ToString()));
        Assert.Single(await AllAsync(Coordinator, About(pending.Id)), e => e.Action == "organization.activated");
    }

    [Fact]
    public async Task A_change_that_fails_on_a_unique_index_leaves_no_entry()
    {
        var union = await CreateActiveAsync("Raced Union", V1.OrganizationKind.BroadcastingUnion);
        var member = await CreateActiveAsync("Raced Member");
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            try
            {
                await Member(member.Id).RequestUnionMembershipAsync(new V1.RequestUnionMembershipRequest { UnionId = union.Id, MemberId = member.Id });
                return StatusCode.OK;
            }
            catch (RpcException ex)
            {
                return ex.StatusCode;
            }
        }));

        Assert.Equal(1, results.Count(r => r == StatusCode.OK));
        Assert.Single(await AllAsync(Coordinator, About(member.Id)), e => e.Action == "membership.requested");
    }

    [Fact]
    public async Task Concurrent_writers_neither_lose_nor_duplicate_entries()
    {
        var organization = await CreateActiveAsync("Many Keys");
        const int Writers = 16;
        var keys = await Task.WhenAll(Enumerable.Range(0, Writers).Select(async i =>
            (await Member(organization.Id).CreateApiKeyAsync(new V1.CreateApiKeyRequest { OrganizationId = organization.Id, DisplayName = $"desk {i}" })).ApiKey.Id));

        var entries = await AllAsync(Coordinator, new V1.ListAuditEntriesRequest
        {
            Filter = new CommonV1.AuditFilter { SubjectId = organization.Id, Action = "api_key.created" },
            PageSize = 5,
        });

        Assert.Equal(Writers, entries.Count);
        Assert.Equal(Writers, entries.Select(e => e.Id).Distinct().Count());
        Assert.Equal(keys.Order(StringComparer.Ordinal),
            entries.Select(e => e.Subjects.Single(s => s.Type == CommonV1.AuditSubjectType.ApiKey).Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_member_sees_its_own_entries_a_coordinator_sees_all()
    {
        var a = await CreateActiveAsync("Visible A");
        var b = await CreateActiveAsync("Visible B");
        var keyOfA = (await Member(a.Id).CreateApiKeyAsync(new V1.CreateApiKeyRequest { OrganizationId = a.Id, DisplayName = "a's key" })).ApiKey;
        var keyOfB = (await Member(b.Id).CreateApiKeyAsync(new V1.CreateApiKeyRequest { OrganizationId = b.Id, DisplayName = "b's key" })).ApiKey;

        var seenByA = await AllAsync(Member(a.Id), new V1.ListAuditEntriesRequest { PageSize = 200 });
        // A's own actions and the coordinator's actions on A; nothing about B.
        Assert.Contains(seenByA, e => e.Action == "organization.activated" && e.ActorOrganizationId == OrganizationHost.CoordinatorId && e.Subjects.Any(s => s.Id == a.Id));
        Assert.Contains(seenByA, e => e.Subjects.Any(s => s.Id == keyOfA.Id));
        Assert.DoesNotContain(seenByA, e => e.Subjects.Any(s => s.Id == b.Id || s.Id == keyOfB.Id));
        Assert.All(seenByA, e => Assert.True(
            e.ActorOrganizationId == a.Id || e.Subjects.Any(s => s.Type == CommonV1.AuditSubjectType.Organization && s.Id == a.Id)));

        // Filtering on another organisation's id gives a member nothing, not B's entries.
        Assert.Empty(await AllAsync(Member(a.Id), About(b.Id)));
        Assert.Empty(await AllAsync(Member(a.Id), new V1.ListAuditEntriesRequest { Filter = new CommonV1.AuditFilter { ActorOrganizationId = b.Id } }));

        var seenByCoordinator = await AllAsync(Coordinator, new V1.ListAuditEntriesRequest
        {
            Filter = new CommonV1.AuditFilter { Action = "api_key.created", TimeInterval = new CommonV1.TimeInterval { StartTime = Timestamp.FromDateTime(DateTime.UtcNow.AddMinutes(-5)) } },
        });
        Assert.Contains(seenByCoordinator, e => e.Subjects.Any(s => s.Id == keyOfA.Id));
        Assert.Contains(seenByCoordinator, e => e.Subjects.Any(s => s.Id == keyOfB.Id));
    }

    [Fact]
    public async Task Filters_by_actor_action_and_time_combine()
    {
        var organization = await CreateActiveAsync("Filtered");
        await Member(organization.Id).CreateApiKeyAsync(new V1.CreateApiKeyRequest { OrganizationId = organization.Id, DisplayName = "one" });
        var entries = await AllAsync(Coordinator, About(organization.Id));
        Assert.Equal(["organization.created", "organization.activated", "api_key.created"], entries.Select(e => e.Action));

        var byActor = await AllAsync(Coordinator, new V1.ListAuditEntriesRequest
        {
            Filter = new CommonV1.AuditFilter { SubjectId = organization.Id, ActorOrganizationId = organization.Id },
        });
        Assert.Equal(["api_key.created"], byActor.Select(e => e.Action));

        var byAction = await AllAsync(Coordinator, new V1.ListAuditEntriesRequest
        {
            Filter = new CommonV1.AuditFilter { SubjectId = organization.Id, Action = "organization.activated" },
        });
        Assert.Equal([entries[1].Id], byAction.Select(e => e.Id));

        // [time of the activation, time of the key): the activation only (half-open interval).
        var interval = await AllAsync(Coordinator, new V1.ListAuditEntriesRequest
        {
            Filter = new CommonV1.AuditFilter
            {
                SubjectId = organization.Id,
                TimeInterval = new CommonV1.TimeInterval { StartTime = entries[1].Time, EndTime = entries[2].Time },
            },
        });
        Assert.Equal(entries[1].Time == entries[2].Time ? [] : new[] { entries[1].Id }, interval.Select(e => e.Id));
        Assert.Empty(await AllAsync(Coordinator, new V1.ListAuditEntriesRequest
        {
            Filter = new CommonV1.AuditFilter { SubjectId = organization.Id, TimeInterval = new CommonV1.TimeInterval { StartTime = Timestamp.FromDateTime(DateTime.UtcNow.AddHours(1)) } },
        }));
    }

    [Fact]
    public async Task Pages_cover_every_entry_once_and_tokens_are_tied_to_their_filter()
    {
        var organization = await CreateActiveAsync("Paged");
        for (var i = 0; i < 5; i++)
        {
            await Member(organization.Id).CreateApiKeyAsync(new V1.CreateApiKeyRequest { OrganizationId = organization.Id, DisplayName = $"key {i}" });
        }

        var first = await Coordinator.ListAuditEntriesAsync(About(organization.Id, pageSize: 3));
        var second = await Coordinator.ListAuditEntriesAsync(new V1.ListAuditEntriesRequest { Filter = About(organization.Id).Filter, PageSize = 3, PageToken = first.NextPageToken });
        var third = await Coordinator.ListAuditEntriesAsync(new V1.ListAuditEntriesRequest { Filter = About(organization.Id).Filter, PageSize = 3, PageToken = second.NextPageToken });

        Assert.Equal(3, first.Entries.Count);
        Assert.Equal(3, second.Entries.Count);
        Assert.Single(third.Entries);
        Assert.Equal(string.Empty, third.NextPageToken);
        var ids = first.Entries.Concat(second.Entries).Concat(third.Entries).Select(e => e.Id).ToArray();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(7, ids.Distinct().Count());

        await GrpcAssert.Invalid(() => Coordinator.ListAuditEntriesAsync(new V1.ListAuditEntriesRequest
        {
            Filter = new CommonV1.AuditFilter { SubjectId = organization.Id, Action = "api_key.created" },
            PageToken = first.NextPageToken,
        }), "page_token");
    }

    [Fact]
    public async Task Bad_filters_and_pages_are_invalid_argument_with_field_violations()
    {
        await GrpcAssert.Invalid(() => Coordinator.ListAuditEntriesAsync(new V1.ListAuditEntriesRequest { PageSize = 201 }), "page_size");
        await GrpcAssert.Invalid(() => Coordinator.ListAuditEntriesAsync(new V1.ListAuditEntriesRequest { PageSize = -1 }), "page_size");
        await GrpcAssert.Invalid(() => Coordinator.ListAuditEntriesAsync(new V1.ListAuditEntriesRequest { PageToken = "not-a-token" }), "page_token");
        var now = DateTime.UtcNow;
        await GrpcAssert.Invalid(() => Coordinator.ListAuditEntriesAsync(new V1.ListAuditEntriesRequest
        {
            Filter = new CommonV1.AuditFilter
            {
                SubjectId = new string('x', 129),
                Action = new string('a', 200),
                TimeInterval = new CommonV1.TimeInterval { StartTime = Timestamp.FromDateTime(now), EndTime = Timestamp.FromDateTime(now.AddHours(-1)) },
            },
        }), "filter.subject_id", "filter.action", "filter.time_interval");
        await GrpcAssert.Invalid(() => Coordinator.ListAuditEntriesAsync(new V1.ListAuditEntriesRequest
        {
            Filter = new CommonV1.AuditFilter { TimeInterval = new CommonV1.TimeInterval { StartTime = new Timestamp { Seconds = long.MaxValue } } },
        }), "filter.time_interval.start_time");
        await GrpcAssert.Refused(StatusCode.Unauthenticated, () => host.AnonymousClient.ListAuditEntriesAsync(new V1.ListAuditEntriesRequest()));
    }

    [Fact]
    public async Task The_bootstrap_command_records_the_founding_coordinator_and_its_key()
    {
        using var fresh = new OrganizationHost();
        var (organization, _) = await fresh.WithScopeAsync(sp =>
            sp.GetRequiredService<MediaMesh.Organizations.Application.CoordinatorBootstrap>().RunAsync("Founding Forum", "CN", Organizations.Domain.OrganizationKind.Broadcaster, "zh", CancellationToken.None));

        var entries = await fresh.WithScopeAsync(sp =>
            sp.GetRequiredService<OrganizationDbContext>().AuditEntries.AsNoTracking().OrderBy(e => e.Id).ToListAsync());

        Assert.Equal(["organization.created", "api_key.created"], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal(organization.Id, e.ActorOrganizationId));
        Assert.All(entries, e => Assert.Contains(e.Subjects, s => s.Type == AuditSubjectType.Organization && s.SubjectId == organization.Id));
    }
}
