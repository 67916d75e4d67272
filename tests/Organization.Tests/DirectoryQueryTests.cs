using Grpc.Core;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Organization.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;

namespace MediaMesh.Organization.Tests;

/// <summary>ListOrganizations filters and paging, and BatchGetOrganizations.</summary>
public sealed class DirectoryQueryTests(OrganizationHost host) : IClassFixture<OrganizationHost>
{
    /// <summary>Lists with <paramref name="request"/> and returns the ids, walking every page.</summary>
    private async Task<List<string>> ListAllAsync(V1.ListOrganizationsRequest request)
    {
        var ids = new List<string>();
        var pages = 0;
        do
        {
            var page = await host.Coordinator.ListOrganizationsAsync(request);
            Assert.True(request.PageSize == 0 || page.Organizations.Count <= request.PageSize);
            ids.AddRange(page.Organizations.Select(o => o.Id));
            request.PageToken = page.NextPageToken;
            Assert.True(++pages < 100, "paging does not end");
        }
        while (request.PageToken.Length > 0);

        return ids;
    }

    [Fact]
    public async Task Filters_by_region_country_kind_and_status_combine()
    {
        var tag = OrganizationHost.Unique("Filter");
        var egypt = await host.CreateActiveAsync($"{tag} Egypt TV", "EG");
        var morocco = await host.CreateActiveAsync($"{tag} Morocco Radio", "MA");
        var moroccoAgency = await host.CreateActiveAsync($"{tag} Morocco Agency", "MA", V1.OrganizationKind.NewsAgency);
        var kenya = await host.CreateActiveAsync($"{tag} Kenya TV", "KE");
        var brazilPending = await host.CreatePendingAsync($"{tag} Brazil TV", "BR");
        var kazakh = await host.CreateActiveAsync($"{tag} Kazakh TV", "KZ");

        Assert.Equal([egypt.Id, moroccoAgency.Id, morocco.Id],
            await ListAllAsync(new V1.ListOrganizationsRequest { Text = tag, Region = CommonV1.Region.ArabStates }));
        Assert.Equal([kenya.Id], await ListAllAsync(new V1.ListOrganizationsRequest { Text = tag, Region = CommonV1.Region.Africa }));
        Assert.Equal([kazakh.Id], await ListAllAsync(new V1.ListOrganizationsRequest { Text = tag, Region = CommonV1.Region.CentralAsia }));
        Assert.Equal([moroccoAgency.Id, morocco.Id], await ListAllAsync(new V1.ListOrganizationsRequest { Text = tag, CountryCode = "ma" }));
        Assert.Equal([moroccoAgency.Id],
            await ListAllAsync(new V1.ListOrganizationsRequest { Text = tag, CountryCode = "MA", Kind = V1.OrganizationKind.NewsAgency }));
        Assert.Equal([brazilPending.Id], await ListAllAsync(new V1.ListOrganizationsRequest { Text = tag, Status = V1.OrganizationStatus.Pending }));
        Assert.Equal([brazilPending.Id],
            await ListAllAsync(new V1.ListOrganizationsRequest { Text = tag, Region = CommonV1.Region.LatinAmericaCaribbean }));
        Assert.Empty(await ListAllAsync(new V1.ListOrganizationsRequest { Text = tag, Region = CommonV1.Region.Europe }));
        Assert.Equal(6, (await ListAllAsync(new V1.ListOrganizationsRequest { Text = tag })).Count);
    }

    [Fact]
    public async Task Text_matches_any_name_or_the_short_name_case_insensitively()
    {
        var tag = OrganizationHost.Unique("Text");
        var org = OrganizationHost.NewOrganization($"{tag} Radio Nacional", "AR");
        org.Names.Add(new CommonV1.LocalizedText { Language = "es", Text = "Emisora Pública Zorzal" });
        org.ShortName = "QWXZ";
        var created = (await host.Coordinator.CreateOrganizationAsync(new V1.CreateOrganizationRequest { Organization = org })).Organization;
        await host.CreatePendingAsync($"{tag} Something Else", "AR");

        Assert.Equal([created.Id], await ListAllAsync(new V1.ListOrganizationsRequest { Text = "pública zorzal" }));
        Assert.Equal([created.Id], await ListAllAsync(new V1.ListOrganizationsRequest { Text = "qwxz" }));
        Assert.Equal([created.Id], await ListAllAsync(new V1.ListOrganizationsRequest { Text = $"  {tag.ToUpperInvariant()} RADIO  " }));
        Assert.Empty(await ListAllAsync(new V1.ListOrganizationsRequest { Text = "zzz-no-such-org" }));
    }

    [Fact]
    public async Task Union_filter_lists_approved_members_only()
    {
        var tag = OrganizationHost.Unique("Union");
        var union = await host.CreateUnionAsync($"{tag} Union");
        var approved = await host.CreateActiveAsync($"{tag} Approved");
        var requested = await host.CreateActiveAsync($"{tag} Requested");
        var declined = await host.CreateActiveAsync($"{tag} Declined");
        var ended = await host.CreateActiveAsync($"{tag} Ended");
        await host.ApprovedMembershipAsync(union.Id, approved.Id);
        await host.RequestMembershipAsync(union.Id, requested.Id);
        var d = await host.RequestMembershipAsync(union.Id, declined.Id);
        await host.ClientAs(union.Id).DeclineUnionMembershipAsync(new V1.DeclineUnionMembershipRequest { Id = d.Id, Reason = "no" });
        var e = await host.ApprovedMembershipAsync(union.Id, ended.Id);
        await host.ClientAs(ended.Id).EndUnionMembershipAsync(new V1.EndUnionMembershipRequest { Id = e.Id });

        Assert.Equal([approved.Id], await ListAllAsync(new V1.ListOrganizationsRequest { UnionId = union.Id }));
        Assert.Empty(await ListAllAsync(new V1.ListOrganizationsRequest { UnionId = "org_unknown_union" }));
        var listed = (await host.Coordinator.ListOrganizationsAsync(new V1.ListOrganizationsRequest { UnionId = union.Id })).Organizations;
        Assert.Equal([union.Id], Assert.Single(listed).UnionIds);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public async Task Paging_walks_every_page_without_duplicates_or_gaps_in_name_order(int pageSize)
    {
        var tag = OrganizationHost.Unique($"Paging{pageSize}");
        var expected = new List<(string Name, string Id)>();
        // Same names twice exercise the id tie-break of the cursor.
        foreach (var name in new[] { "delta", "Alpha", "charlie", "bravo", "echo", "alpha", "Foxtrot", "golf", "bravo" })
        {
            var created = await host.CreatePendingAsync($"{tag} {name}", "NG");
            expected.Add(((created.Names[0].Text).ToLowerInvariant(), created.Id));
        }

        var order = expected.OrderBy(e => e.Name, StringComparer.Ordinal).ThenBy(e => e.Id, StringComparer.Ordinal).Select(e => e.Id).ToList();
        var listed = await ListAllAsync(new V1.ListOrganizationsRequest { Text = tag, PageSize = pageSize });

        Assert.Equal(order, listed);
    }

    [Fact]
    public async Task A_page_token_with_changed_filters_is_refused()
    {
        var tag = OrganizationHost.Unique("Token");
        await host.CreatePendingAsync($"{tag} one", "GH");
        await host.CreatePendingAsync($"{tag} two", "GH");
        var first = await host.Coordinator.ListOrganizationsAsync(new V1.ListOrganizationsRequest { Text = tag, PageSize = 1 });
        Assert.NotEmpty(first.NextPageToken);

        await GrpcAssert.Invalid(() => host.Coordinator.ListOrganizationsAsync(
            new V1.ListOrganizationsRequest { Text = tag, PageSize = 1, CountryCode = "GH", PageToken = first.NextPageToken }), "page_token");
        var second = await host.Coordinator.ListOrganizationsAsync(new V1.ListOrganizationsRequest { Text = tag, PageSize = 5, PageToken = first.NextPageToken });
        Assert.Single(second.Organizations);
        Assert.Empty(second.NextPageToken);
    }

    [Fact]
    public async Task A_name_with_a_line_break_does_not_break_paging()
    {
        var tag = OrganizationHost.Unique("Multiline");
        var a = await host.CreatePendingAsync($"{tag} a\nsecond line", "KE");
        var b = await host.CreatePendingAsync($"{tag} b", "KE");
        Assert.Equal([a.Id, b.Id], await ListAllAsync(new V1.ListOrganizationsRequest { Text = tag, PageSize = 1 }));
    }

    [Fact]
    public async Task A_member_may_list_the_directory()
    {
        var tag = OrganizationHost.Unique("MemberList");
        var member = await host.CreateActiveAsync($"{tag} member");
        var page = await host.ClientAs(member.Id).ListOrganizationsAsync(new V1.ListOrganizationsRequest { Text = tag });
        Assert.Equal(member, Assert.Single(page.Organizations));
    }

    [Fact]
    public async Task BatchGet_returns_found_in_request_order_and_lists_missing_ids()
    {
        var union = await host.CreateUnionAsync(OrganizationHost.Unique("Batch Union"));
        var a = await host.CreateActiveAsync(OrganizationHost.Unique("Batch A"));
        var b = await host.CreatePendingAsync(OrganizationHost.Unique("Batch B"));
        await host.ApprovedMembershipAsync(union.Id, a.Id);

        var response = await host.Coordinator.BatchGetOrganizationsAsync(new V1.BatchGetOrganizationsRequest
        {
            Ids = { b.Id, "org_missing_1", a.Id, b.Id, "org_missing_2", "org_missing_1" },
        });

        Assert.Equal([b.Id, a.Id], response.Organizations.Select(o => o.Id));
        Assert.Equal(["org_missing_1", "org_missing_2"], response.MissingIds);
        Assert.Equal([union.Id], response.Organizations[1].UnionIds);
        Assert.Equal(await host.GetAsync(b.Id), response.Organizations[0]);
    }

    [Fact]
    public async Task BatchGet_of_only_unknown_ids_succeeds_with_all_missing()
    {
        var response = await host.ClientAs("org_anyone").BatchGetOrganizationsAsync(new V1.BatchGetOrganizationsRequest { Ids = { "org_x", "org_y" } });
        Assert.Empty(response.Organizations);
        Assert.Equal(["org_x", "org_y"], response.MissingIds);
    }

    [Fact]
    public async Task BatchGet_refuses_an_id_longer_than_any_organisation_id()
    {
        await GrpcAssert.Invalid(() => host.ClientAs("org_anyone").BatchGetOrganizationsAsync(new V1.BatchGetOrganizationsRequest
        {
            Ids = { "org_x", new string('a', 101) },
        }), "ids");

        var response = await host.ClientAs("org_anyone").BatchGetOrganizationsAsync(new V1.BatchGetOrganizationsRequest { Ids = { new string('a', 100) } });
        Assert.Single(response.MissingIds);
    }

    [Fact]
    public async Task Directory_reads_need_a_token()
    {
        await GrpcAssert.Refused(StatusCode.Unauthenticated, () => host.AnonymousClient.ListOrganizationsAsync(new V1.ListOrganizationsRequest()));
        await GrpcAssert.Refused(StatusCode.Unauthenticated, () => host.AnonymousClient.BatchGetOrganizationsAsync(new V1.BatchGetOrganizationsRequest { Ids = { "org_x" } }));
    }
}
