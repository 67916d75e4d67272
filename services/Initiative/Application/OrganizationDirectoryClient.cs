using MediaMesh.Common.Errors;
using MediaMesh.Common.Geography;
using MediaMesh.Initiatives.Domain;
using MediaMesh.ServiceDefaults.Grpc;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Initiatives.Application;

/// <summary>An organisation id from a request and the request field it came from (for field violations).</summary>
public sealed record OrganizationReference(string Id, string Field)
{
    /// <summary>References to <paramref name="ids"/>, each named by its index in the request's list <paramref name="field"/>.</summary>
    public static OrganizationReference[] Within(IEnumerable<string> ids, IReadOnlyList<string> requestList, string field) =>
        ids.Select(id => new OrganizationReference(id, $"{field}[{IndexOf(requestList, id)}]")).ToArray();

    private static int IndexOf(IReadOnlyList<string> list, string id)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (string.Equals(list[i], id, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>
/// The initiative service's view of the organization service: checks that organisations exist and
/// are active with one BatchGetOrganizations call per request (never one call per id). The client
/// registration (ServiceDefaults) gives every call a deadline, forwards the caller's token and trace
/// context, and retries UNAVAILABLE for this idempotent read; here failures become domain refusals:
/// <list type="bullet">
/// <item>any failure of the call follows the shared rule (ServiceDefaults' DependencyFailure): unreachable or too
/// slow → UNAVAILABLE before anything is written, the caller's deadline → DEADLINE_EXCEEDED, any other answer
/// (UNIMPLEMENTED, INTERNAL, UNAUTHENTICATED…) → INTERNAL with the trace id, never the raw code;</item>
/// <item>an id that does not exist → INVALID_ARGUMENT naming the request field (e.g. initiative.proposer_ids[1]);</item>
/// <item>an organisation that exists but is pending or suspended → FAILED_PRECONDITION (type ORGANIZATION_NOT_ACTIVE, subject the id).</item>
/// </list>
/// </summary>
public sealed class OrganizationDirectoryClient(OrgV1.OrganizationService.OrganizationServiceClient client)
{
    /// <summary>The organization service's BatchGetOrganizations limit.</summary>
    private const int MaxBatch = 500;

    public async Task<IReadOnlyDictionary<string, SignatoryProfile>> RequireActiveAsync(IReadOnlyList<OrganizationReference> references, CancellationToken ct)
    {
        if (references.Count == 0)
        {
            return new Dictionary<string, SignatoryProfile>();
        }

        var ids = references.Select(r => r.Id).Distinct(StringComparer.Ordinal).ToArray();
        var found = new Dictionary<string, OrgV1.Organization>(StringComparer.Ordinal);
        foreach (var chunk in ids.Chunk(MaxBatch))
        {
            var request = new OrgV1.BatchGetOrganizationsRequest();
            request.Ids.AddRange(chunk);
            var response = await CallAsync(request, ListField(references[0].Field), ct);
            foreach (var organization in response.Organizations)
            {
                found[organization.Id] = organization;
            }
        }

        var missing = references.Where(r => !found.ContainsKey(r.Id)).ToArray();
        if (missing.Length > 0)
        {
            throw new ValidationFailedException(missing.Select(r => new FieldViolation(r.Field, $"no organisation has the id '{r.Id}'")).ToArray());
        }

        var inactive = ids.Select(id => found[id]).FirstOrDefault(o => o.Status != OrgV1.OrganizationStatus.Active);
        if (inactive is not null)
        {
            throw new PreconditionFailedException(
                $"Organisation '{inactive.Id}' is {StatusName(inactive.Status)}; only active organisations can take part.", "ORGANIZATION_NOT_ACTIVE", inactive.Id);
        }

        return ids.ToDictionary(id => id, id => ProfileOf(found[id]), StringComparer.Ordinal);
    }

    /// <summary>The ids are the caller's: the organization service's INVALID_ARGUMENT is the caller's, on <paramref name="field"/>.</summary>
    private Task<OrgV1.BatchGetOrganizationsResponse> CallAsync(OrgV1.BatchGetOrganizationsRequest request, string field, CancellationToken ct) =>
        DependencyFailure.CallAsync("organization", async () => await client.BatchGetOrganizationsAsync(request, cancellationToken: ct), ct, field);

    /// <summary>"initiative.proposer_ids[1]" → "initiative.proposer_ids".</summary>
    private static string ListField(string field) => field.IndexOf('[', StringComparison.Ordinal) is var at and >= 0 ? field[..at] : field;

    private static SignatoryProfile ProfileOf(OrgV1.Organization o) =>
        new(o.CountryCode, (WorldRegion)o.Region, o.UnionIds.Order(StringComparer.Ordinal).ToArray());

    private static string StatusName(OrgV1.OrganizationStatus status) => status switch
    {
        OrgV1.OrganizationStatus.Pending => "pending",
        OrgV1.OrganizationStatus.Suspended => "suspended",
        _ => "not active",
    };
}
