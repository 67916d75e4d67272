using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using V1 = MediaMesh.Contracts.Organization.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;

namespace MediaMesh.Organization.Tests;

/// <summary>The organization service in-process, with helpers to set up organisations as a coordinator would.</summary>
public sealed class OrganizationHost : ServiceHost<Program>
{
    /// <summary>A coordinator identity carried only by the token; no such row exists in the database.</summary>
    public const string CoordinatorId = "org_test_coordinator";

    public V1.OrganizationService.OrganizationServiceClient ClientAs(string organizationId, string role = CallerRoles.Member) => new(As(organizationId, role));

    public V1.OrganizationService.OrganizationServiceClient Coordinator => ClientAs(CoordinatorId, CallerRoles.Coordinator);

    public V1.OrganizationService.OrganizationServiceClient AnonymousClient => new(Anonymous());

    public V1.CredentialService.CredentialServiceClient Gateway => new(AsService(InternalTokenNames.Gateway));

    /// <summary>A name no other test uses, so tests sharing a host do not see each other's rows in text searches.</summary>
    public static string Unique(string name) => $"{name} {Guid.NewGuid():N}"[..(name.Length + 13)];

    public static V1.Organization NewOrganization(string name = "Kenya Broadcasting Corporation", string country = "KE",
        V1.OrganizationKind kind = V1.OrganizationKind.Broadcaster) => new()
    {
        Kind = kind,
        Names = { new CommonV1.LocalizedText { Language = "en", Text = name, Original = true } },
        CountryCode = country,
        WorkingLanguages = { "en", "sw" },
        Website = "https://example.org",
    };

    public async Task<V1.Organization> CreatePendingAsync(string name, string country = "KE", V1.OrganizationKind kind = V1.OrganizationKind.Broadcaster) =>
        (await Coordinator.CreateOrganizationAsync(new V1.CreateOrganizationRequest { Organization = NewOrganization(name, country, kind) })).Organization;

    /// <summary>Registers and activates an organisation.</summary>
    public async Task<V1.Organization> CreateActiveAsync(string name, string country = "KE", V1.OrganizationKind kind = V1.OrganizationKind.Broadcaster)
    {
        var created = await CreatePendingAsync(name, country, kind);
        var activated = await Coordinator.ActivateOrganizationAsync(new V1.ActivateOrganizationRequest { Id = created.Id });
        return activated.Organization;
    }

    public Task<V1.Organization> CreateUnionAsync(string name, string country = "EG") =>
        CreateActiveAsync(name, country, V1.OrganizationKind.BroadcastingUnion);

    public async Task<V1.UnionMembership> RequestMembershipAsync(string unionId, string memberId) =>
        (await ClientAs(memberId).RequestUnionMembershipAsync(new V1.RequestUnionMembershipRequest { UnionId = unionId, MemberId = memberId })).Membership;

    public async Task<V1.UnionMembership> ApprovedMembershipAsync(string unionId, string memberId)
    {
        var requested = await RequestMembershipAsync(unionId, memberId);
        return (await ClientAs(unionId).ApproveUnionMembershipAsync(new V1.ApproveUnionMembershipRequest { Id = requested.Id })).Membership;
    }

    public async Task<V1.Organization> GetAsync(string id) =>
        (await Coordinator.GetOrganizationAsync(new V1.GetOrganizationRequest { Id = id })).Organization;
}
