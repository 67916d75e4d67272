using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.TestSupport;
using OrgV1 = MediaMesh.Contracts.Organization.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;

namespace MediaMesh.Exchange.Tests;

/// <summary>The real organization service in-process: the exchange's dependency for members, regions and unions.</summary>
public sealed class OrganizationDependency : ServiceHost<MediaMesh.Organizations.Grpc.OrganizationGrpcService>
{
    public const string CoordinatorId = "org_test_coordinator";

    public OrgV1.OrganizationService.OrganizationServiceClient ClientAs(string organizationId, string role = CallerRoles.Member) => new(As(organizationId, role));

    public OrgV1.OrganizationService.OrganizationServiceClient Coordinator => ClientAs(CoordinatorId, CallerRoles.Coordinator);

    /// <summary>Registers and activates an organisation; returns its id.</summary>
    public async Task<string> CreateActiveAsync(string name, string country, OrgV1.OrganizationKind kind = OrgV1.OrganizationKind.Broadcaster)
    {
        var created = await Coordinator.CreateOrganizationAsync(new OrgV1.CreateOrganizationRequest
        {
            Organization = new OrgV1.Organization
            {
                Kind = kind,
                Names = { new CommonV1.LocalizedText { Language = "en", Text = name, Original = true } },
                CountryCode = country,
                WorkingLanguages = { "en" },
            },
        });
        await Coordinator.ActivateOrganizationAsync(new OrgV1.ActivateOrganizationRequest { Id = created.Organization.Id });
        return created.Organization.Id;
    }

    /// <summary>Registers an organisation without activating it.</summary>
    public async Task<string> CreatePendingAsync(string name, string country)
    {
        var created = await Coordinator.CreateOrganizationAsync(new OrgV1.CreateOrganizationRequest
        {
            Organization = new OrgV1.Organization
            {
                Kind = OrgV1.OrganizationKind.Broadcaster,
                Names = { new CommonV1.LocalizedText { Language = "en", Text = name, Original = true } },
                CountryCode = country,
                WorkingLanguages = { "en" },
            },
        });
        return created.Organization.Id;
    }

    /// <summary>Makes <paramref name="memberId"/> an approved member of <paramref name="unionId"/>.</summary>
    public async Task JoinAsync(string memberId, string unionId)
    {
        var requested = await ClientAs(memberId).RequestUnionMembershipAsync(new OrgV1.RequestUnionMembershipRequest { UnionId = unionId, MemberId = memberId });
        await ClientAs(unionId).ApproveUnionMembershipAsync(new OrgV1.ApproveUnionMembershipRequest { Id = requested.Membership.Id });
    }
}
