using Google.Protobuf.WellKnownTypes;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Organization.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;

namespace MediaMesh.Organization.Tests;

/// <summary>INVALID_ARGUMENT naming the offending field, for every kind of bad input.</summary>
public sealed class ValidationTests(OrganizationHost host) : IClassFixture<OrganizationHost>
{
    private Task<Google.Rpc.BadRequest> CreateInvalid(Action<V1.Organization> spoil, params string[] fields)
    {
        var organization = OrganizationHost.NewOrganization("Invalid Create");
        spoil(organization);
        return GrpcAssert.Invalid(() => host.Coordinator.CreateOrganizationAsync(new V1.CreateOrganizationRequest { Organization = organization }), fields);
    }

    [Theory]
    [InlineData("")]
    [InlineData("XX")]
    [InlineData("KEN")]
    [InlineData("AQ")]
    public Task Create_refuses_a_bad_country(string country) => CreateInvalid(o => o.CountryCode = country, "organization.country_code");

    [Fact]
    public Task Create_refuses_a_bad_name_language_tag() =>
        CreateInvalid(o => o.Names.Add(new CommonV1.LocalizedText { Language = "en_GB", Text = "x" }), "organization.names[1].language");

    [Fact]
    public Task Create_refuses_a_bad_working_language() =>
        CreateInvalid(o => o.WorkingLanguages.Add("not a tag"), "organization.working_languages[2]");

    [Fact]
    public Task Create_refuses_no_working_languages() => CreateInvalid(o => o.WorkingLanguages.Clear(), "organization.working_languages");

    [Fact]
    public Task Create_refuses_no_names() => CreateInvalid(o => o.Names.Clear(), "organization.names");

    [Fact]
    public Task Create_refuses_an_empty_name_text() =>
        CreateInvalid(o => o.Names[0].Text = "   ", "organization.names[0].text");

    [Fact]
    public Task Create_refuses_two_original_names() =>
        CreateInvalid(o => o.Names.Add(new CommonV1.LocalizedText { Language = "sw", Text = "Shirika", Original = true }), "organization.names");

    [Fact]
    public Task Create_refuses_two_names_in_one_language() =>
        CreateInvalid(o => o.Names.Add(new CommonV1.LocalizedText { Language = "EN", Text = "Again" }), "organization.names");

    [Theory]
    [InlineData("example.org")]
    [InlineData("ftp://example.org")]
    [InlineData("javascript:alert(1)")]
    [InlineData("https://")]
    public Task Create_refuses_a_bad_website(string website) => CreateInvalid(o => o.Website = website, "organization.website");

    [Theory]
    [InlineData("no-at-sign")]
    [InlineData("@example.org")]
    [InlineData("desk@")]
    [InlineData("desk @example.org")]
    public Task Create_refuses_a_bad_contact_email(string email) => CreateInvalid(o => o.ContactEmail = email, "organization.contact_email");

    [Fact]
    public Task Create_refuses_an_overlong_short_name() => CreateInvalid(o => o.ShortName = new string('S', 33), "organization.short_name");

    [Fact]
    public Task Create_refuses_an_overlong_name() => CreateInvalid(o => o.Names[0].Text = new string('n', 201), "organization.names[0].text");

    [Fact]
    public Task Create_refuses_a_missing_kind() => CreateInvalid(o => o.Kind = V1.OrganizationKind.Unspecified, "organization.kind");

    [Fact]
    public Task Create_refuses_an_unknown_kind() => CreateInvalid(o => o.Kind = (V1.OrganizationKind)42, "organization.kind");

    [Fact]
    public async Task Create_names_every_bad_field_at_once()
    {
        var bad = await CreateInvalid(o =>
        {
            o.CountryCode = "ZZ";
            o.Website = "nope";
            o.WorkingLanguages.Clear();
        }, "organization.country_code", "organization.website", "organization.working_languages");
        Assert.Equal(3, bad.FieldViolations.Count);
    }

    [Fact]
    public Task Create_refuses_a_missing_organization() =>
        GrpcAssert.Invalid(() => host.Coordinator.CreateOrganizationAsync(new V1.CreateOrganizationRequest()), "organization");

    [Fact]
    public async Task Update_refuses_a_bad_mask_and_missing_id()
    {
        var org = await host.CreateActiveAsync("Update Validation");
        await GrpcAssert.Invalid(() => host.Coordinator.UpdateOrganizationAsync(new V1.UpdateOrganizationRequest
        {
            Organization = new V1.Organization { Id = org.Id, ShortName = "X" },
        }), "update_mask");
        await GrpcAssert.Invalid(() => host.Coordinator.UpdateOrganizationAsync(new V1.UpdateOrganizationRequest
        {
            Organization = new V1.Organization { Id = org.Id, ShortName = "X" },
            UpdateMask = new FieldMask(),
        }), "update_mask");
        foreach (var path in new[] { "kind", "status", "role", "region", "id", "union_ids", "etag", "shortName" })
        {
            await GrpcAssert.Invalid(() => host.Coordinator.UpdateOrganizationAsync(new V1.UpdateOrganizationRequest
            {
                Organization = new V1.Organization { Id = org.Id, Status = V1.OrganizationStatus.Suspended },
                UpdateMask = new FieldMask { Paths = { path } },
            }), "update_mask");
        }

        await GrpcAssert.Invalid(() => host.Coordinator.UpdateOrganizationAsync(new V1.UpdateOrganizationRequest
        {
            Organization = new V1.Organization { ShortName = "X" },
            UpdateMask = new FieldMask { Paths = { "short_name" } },
        }), "organization.id");
        await GrpcAssert.Invalid(() => host.Coordinator.UpdateOrganizationAsync(new V1.UpdateOrganizationRequest
        {
            UpdateMask = new FieldMask { Paths = { "short_name" } },
        }), "organization");

        Assert.Equal(org, await host.GetAsync(org.Id));
    }

    [Theory]
    [InlineData("country_code", "organization.country_code")]
    [InlineData("names", "organization.names")]
    [InlineData("working_languages", "organization.working_languages")]
    public async Task Update_validates_the_masked_fields(string path, string field)
    {
        var org = await host.CreateActiveAsync("Update Field Validation");
        await GrpcAssert.Invalid(() => host.Coordinator.UpdateOrganizationAsync(new V1.UpdateOrganizationRequest
        {
            Organization = new V1.Organization { Id = org.Id, CountryCode = "QQ" },
            UpdateMask = new FieldMask { Paths = { path } },
        }), field);
        Assert.Equal(org, await host.GetAsync(org.Id));
    }

    [Fact]
    public async Task Update_refuses_a_bad_website()
    {
        var org = await host.CreateActiveAsync("Update Website Validation");
        await GrpcAssert.Invalid(() => host.Coordinator.UpdateOrganizationAsync(new V1.UpdateOrganizationRequest
        {
            Organization = new V1.Organization { Id = org.Id, Website = "www.example.org" },
            UpdateMask = new FieldMask { Paths = { "website" } },
        }), "organization.website");
    }

    [Fact]
    public async Task Missing_ids_are_named()
    {
        var c = host.Coordinator;
        await GrpcAssert.Invalid(() => c.GetOrganizationAsync(new V1.GetOrganizationRequest()), "id");
        await GrpcAssert.Invalid(() => c.BatchGetOrganizationsAsync(new V1.BatchGetOrganizationsRequest()), "ids");
        await GrpcAssert.Invalid(() => c.BatchGetOrganizationsAsync(new V1.BatchGetOrganizationsRequest { Ids = { "org_a", "" } }), "ids");
        await GrpcAssert.Invalid(() => c.BatchGetOrganizationsAsync(new V1.BatchGetOrganizationsRequest { Ids = { Enumerable.Range(0, 501).Select(i => $"org_{i}") } }), "ids");
        await GrpcAssert.Invalid(() => c.ActivateOrganizationAsync(new V1.ActivateOrganizationRequest()), "id");
        await GrpcAssert.Invalid(() => c.SuspendOrganizationAsync(new V1.SuspendOrganizationRequest()), "id");
        await GrpcAssert.Invalid(() => c.SetOrganizationRoleAsync(new V1.SetOrganizationRoleRequest { Role = V1.OrganizationRole.Member }), "id");
        await GrpcAssert.Invalid(() => c.RequestUnionMembershipAsync(new V1.RequestUnionMembershipRequest()), "union_id", "member_id");
        await GrpcAssert.Invalid(() => c.ApproveUnionMembershipAsync(new V1.ApproveUnionMembershipRequest()), "id");
        await GrpcAssert.Invalid(() => c.DeclineUnionMembershipAsync(new V1.DeclineUnionMembershipRequest { Reason = "no" }), "id");
        await GrpcAssert.Invalid(() => c.EndUnionMembershipAsync(new V1.EndUnionMembershipRequest()), "id");
        await GrpcAssert.Invalid(() => c.ListUnionMembershipsAsync(new V1.ListUnionMembershipsRequest()), "union_id");
        await GrpcAssert.Invalid(() => c.CreateApiKeyAsync(new V1.CreateApiKeyRequest { DisplayName = "k" }), "organization_id");
        await GrpcAssert.Invalid(() => c.ListApiKeysAsync(new V1.ListApiKeysRequest()), "organization_id");
        await GrpcAssert.Invalid(() => c.RevokeApiKeyAsync(new V1.RevokeApiKeyRequest()), "organization_id", "id");
        await GrpcAssert.Invalid(() => host.Gateway.ResolveApiKeyAsync(new V1.ResolveApiKeyRequest()), "secret");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(201)]
    public async Task Page_size_out_of_bounds_is_refused_by_every_list(int pageSize)
    {
        var org = await host.CreateActiveAsync("Page Size Validation");
        var c = host.Coordinator;
        await GrpcAssert.Invalid(() => c.ListOrganizationsAsync(new V1.ListOrganizationsRequest { PageSize = pageSize }), "page_size");
        await GrpcAssert.Invalid(() => c.ListUnionMembershipsAsync(new V1.ListUnionMembershipsRequest { MemberId = org.Id, PageSize = pageSize }), "page_size");
        await GrpcAssert.Invalid(() => c.ListApiKeysAsync(new V1.ListApiKeysRequest { OrganizationId = org.Id, PageSize = pageSize }), "page_size");
    }

    [Fact]
    public async Task A_bad_page_token_is_refused_by_every_list()
    {
        var org = await host.CreateActiveAsync("Page Token Validation");
        var c = host.Coordinator;
        await GrpcAssert.Invalid(() => c.ListOrganizationsAsync(new V1.ListOrganizationsRequest { PageToken = "garbage!" }), "page_token");
        await GrpcAssert.Invalid(() => c.ListUnionMembershipsAsync(new V1.ListUnionMembershipsRequest { MemberId = org.Id, PageToken = "garbage!" }), "page_token");
        await GrpcAssert.Invalid(() => c.ListApiKeysAsync(new V1.ListApiKeysRequest { OrganizationId = org.Id, PageToken = "garbage!" }), "page_token");
    }

    [Fact]
    public async Task List_filters_are_validated()
    {
        var c = host.Coordinator;
        await GrpcAssert.Invalid(() => c.ListOrganizationsAsync(new V1.ListOrganizationsRequest { CountryCode = "XX" }), "country_code");
        await GrpcAssert.Invalid(() => c.ListOrganizationsAsync(new V1.ListOrganizationsRequest { Region = (CommonV1.Region)99 }), "region");
        await GrpcAssert.Invalid(() => c.ListOrganizationsAsync(new V1.ListOrganizationsRequest { Kind = (V1.OrganizationKind)99 }), "kind");
        await GrpcAssert.Invalid(() => c.ListOrganizationsAsync(new V1.ListOrganizationsRequest { Status = (V1.OrganizationStatus)99 }), "status");
        await GrpcAssert.Invalid(() => c.ListOrganizationsAsync(new V1.ListOrganizationsRequest { Text = new string('t', 201) }), "text");
        await GrpcAssert.Invalid(() => c.ListUnionMembershipsAsync(new V1.ListUnionMembershipsRequest { UnionId = "org_u", MemberId = "org_m" }), "union_id");
        await GrpcAssert.Invalid(() => c.ListUnionMembershipsAsync(new V1.ListUnionMembershipsRequest { UnionId = "org_u", State = (V1.UnionMembershipState)9 }), "state");
    }

    [Fact]
    public async Task Api_key_fields_are_validated()
    {
        var org = await host.CreateActiveAsync("Key Validation");
        var c = host.Coordinator;
        await GrpcAssert.Invalid(() => c.CreateApiKeyAsync(new V1.CreateApiKeyRequest { OrganizationId = org.Id }), "display_name");
        await GrpcAssert.Invalid(() => c.CreateApiKeyAsync(new V1.CreateApiKeyRequest { OrganizationId = org.Id, DisplayName = new string('d', 101) }), "display_name");
        await GrpcAssert.Invalid(() => c.CreateApiKeyAsync(new V1.CreateApiKeyRequest
        {
            OrganizationId = org.Id, DisplayName = "past", ExpireTime = Timestamp.FromDateTime(DateTime.UtcNow.AddMinutes(-1)),
        }), "expire_time");
        await GrpcAssert.Invalid(() => c.CreateApiKeyAsync(new V1.CreateApiKeyRequest
        {
            OrganizationId = org.Id, DisplayName = "out of range", ExpireTime = new Timestamp { Seconds = long.MaxValue },
        }), "expire_time");
        await GrpcAssert.Invalid(() => c.CreateApiKeyAsync(new V1.CreateApiKeyRequest
        {
            OrganizationId = org.Id, DisplayName = "bad nanos", ExpireTime = new Timestamp { Seconds = 4_000_000_000, Nanos = -5 },
        }), "expire_time");

        var keys = await c.ListApiKeysAsync(new V1.ListApiKeysRequest { OrganizationId = org.Id, ShowRevoked = true });
        Assert.Empty(keys.ApiKeys);
    }

    [Fact]
    public async Task Membership_fields_are_validated()
    {
        var c = host.Coordinator;
        await GrpcAssert.Invalid(() => c.RequestUnionMembershipAsync(new V1.RequestUnionMembershipRequest
        {
            UnionId = "org_u", MemberId = "org_m", Message = new string('m', 2001),
        }), "message");
        await GrpcAssert.Invalid(() => c.DeclineUnionMembershipAsync(new V1.DeclineUnionMembershipRequest { Id = "mem_x" }), "reason");
        await GrpcAssert.Invalid(() => c.EndUnionMembershipAsync(new V1.EndUnionMembershipRequest { Id = "mem_x", Reason = new string('r', 2001) }), "reason");
    }
}
