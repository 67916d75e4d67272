using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Organization.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;

namespace MediaMesh.Organization.Tests;

/// <summary>The organization service in-process, with helpers to set up organisations as a coordinator would.</summary>
public sealed class OrganizationHost : ServiceHost<Program>
{
    public const string CoordinatorId = "org_test_coordinator";

    public V1.OrganizationService.OrganizationServiceClient ClientAs(string organizationId, string role = CallerRoles.Member) => new(As(organizationId, role));

    public V1.OrganizationService.OrganizationServiceClient Coordinator => ClientAs(CoordinatorId, CallerRoles.Coordinator);

    public V1.CredentialService.CredentialServiceClient Gateway => new(As("mediamesh-gateway", CallerRoles.Service));

    public static V1.Organization NewOrganization(string name = "Kenya Broadcasting Corporation", string country = "KE",
        V1.OrganizationKind kind = V1.OrganizationKind.Broadcaster) => new()
    {
        Kind = kind,
        Names = { new CommonV1.LocalizedText { Language = "en", Text = name, Original = true } },
        CountryCode = country,
        WorkingLanguages = { "en", "sw" },
        Website = "https://example.org",
    };

    /// <summary>Registers and activates an organisation.</summary>
    public async Task<V1.Organization> CreateActiveAsync(string name, string country = "KE", V1.OrganizationKind kind = V1.OrganizationKind.Broadcaster)
    {
        var created = await Coordinator.CreateOrganizationAsync(new V1.CreateOrganizationRequest { Organization = NewOrganization(name, country, kind) });
        var activated = await Coordinator.ActivateOrganizationAsync(new V1.ActivateOrganizationRequest { Id = created.Organization.Id });
        return activated.Organization;
    }
}
