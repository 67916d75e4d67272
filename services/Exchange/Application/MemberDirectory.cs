using MediaMesh.Common.Errors;
using MediaMesh.Common.Geography;
using MediaMesh.Exchange.Domain;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Exchange.Application;

/// <summary>
/// The organization service, as the exchange needs it: is a member registered and active, and
/// where does it sit (country, region, unions). Calls go through the registered gRPC client
/// (deadline, forwarded identity, retry on UNAVAILABLE for these reads).
/// </summary>
public sealed class MemberDirectory(OrgV1.OrganizationService.OrganizationServiceClient client)
{
    private const string Dependency = "organization";

    /// <summary>The member's profile; FAILED_PRECONDITION if it is unknown or not active.</summary>
    public async Task<MemberProfile> RequireActiveAsync(string organizationId, CancellationToken ct)
    {
        var response = await DependencyCalls.CallAsync(Dependency,
            async () => await client.GetOrganizationAsync(new OrgV1.GetOrganizationRequest { Id = organizationId }, cancellationToken: ct), ct);
        return ToActiveProfile(organizationId, response?.Organization);
    }

    /// <summary>
    /// The owner's profile and a check that each auto-approve union is a registered union, in one
    /// batched call.
    /// </summary>
    public async Task<MemberProfile> RequireActiveWithUnionsAsync(string ownerId, IReadOnlyList<string> unionIds, CancellationToken ct)
    {
        if (unionIds.Count == 0)
        {
            return await RequireActiveAsync(ownerId, ct);
        }

        var request = new OrgV1.BatchGetOrganizationsRequest { Ids = { ownerId } };
        request.Ids.AddRange(unionIds.Where(u => u != ownerId).Distinct(StringComparer.Ordinal));
        var response = await DependencyCalls.CallAsync(Dependency,
            async () => await client.BatchGetOrganizationsAsync(request, cancellationToken: ct), ct)
            ?? throw new DependencyUnavailableException(Dependency);
        var byId = response.Organizations.ToDictionary(o => o.Id, StringComparer.Ordinal);
        var owner = ToActiveProfile(ownerId, byId.GetValueOrDefault(ownerId));
        foreach (var unionId in unionIds)
        {
            if (!byId.TryGetValue(unionId, out var union) || union.Kind != OrgV1.OrganizationKind.BroadcastingUnion)
            {
                throw new PreconditionFailedException(
                    $"'{unionId}' named in rights.approval.auto_approve_union_ids is not a registered broadcasting union.", "UNION", unionId);
            }
        }

        return owner;
    }

    private static MemberProfile ToActiveProfile(string organizationId, OrgV1.Organization? organization)
    {
        if (organization is null)
        {
            throw new PreconditionFailedException($"Organisation '{organizationId}' is not registered in the mechanism.", "ORGANIZATION", organizationId);
        }

        if (organization.Status != OrgV1.OrganizationStatus.Active)
        {
            throw new PreconditionFailedException($"Organisation '{organizationId}' is not active.", "ORGANIZATION_STATUS", organizationId);
        }

        return new MemberProfile(organization.Id, organization.CountryCode, (WorldRegion)organization.Region, [.. organization.UnionIds.Order(StringComparer.Ordinal)]);
    }
}
