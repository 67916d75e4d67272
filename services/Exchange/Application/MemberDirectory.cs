using MediaMesh.Common.Errors;
using MediaMesh.Common.Geography;
using MediaMesh.Exchange.Domain;
using MediaMesh.ServiceDefaults.Grpc;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Exchange.Application;

/// <summary>
/// The organization service, as the exchange needs it: is a member registered and active, and
/// where does it sit (country, region, unions). Calls go through the registered gRPC client
/// (deadline, forwarded identity, retry on UNAVAILABLE for these reads); failures follow
/// <see cref="DependencyFailure"/>.
/// </summary>
public sealed class MemberDirectory(OrgV1.OrganizationService.OrganizationServiceClient client)
{
    private const string Dependency = "organization";

    /// <summary>The organization service's BatchGetOrganizations limit: larger lists are sent in chunks.</summary>
    private const int MaxBatch = 500;

    /// <summary>The member's profile; FAILED_PRECONDITION if it is unknown or not active.</summary>
    public async Task<MemberProfile> RequireActiveAsync(string organizationId, CancellationToken ct)
    {
        // NOT_FOUND: the organisation is not registered (a FAILED_PRECONDITION below), not a failure of the call.
        var response = await DependencyCalls.LookUpAsync(Dependency,
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

        var byId = new Dictionary<string, OrgV1.Organization>(StringComparer.Ordinal);
        var ids = unionIds.Where(u => u != ownerId).Distinct(StringComparer.Ordinal).Prepend(ownerId);
        foreach (var chunk in ids.Chunk(MaxBatch))
        {
            var request = new OrgV1.BatchGetOrganizationsRequest { Ids = { chunk } };
            var response = await DependencyFailure.CallAsync(Dependency,
                async () => await client.BatchGetOrganizationsAsync(request, cancellationToken: ct), ct, "offer.rights.approval.auto_approve_union_ids");
            foreach (var organization in response.Organizations)
            {
                byId[organization.Id] = organization;
            }
        }

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
