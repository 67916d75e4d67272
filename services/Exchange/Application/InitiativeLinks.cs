using MediaMesh.Common.Errors;
using MediaMesh.Exchange.Domain;
using InitiativeV1 = MediaMesh.Contracts.Initiative.V1;

namespace MediaMesh.Exchange.Application;

/// <summary>
/// Checks an offer's links to initiatives against the initiative service: each initiative exists
/// and the owner is one of its proposers or a current signatory.
/// </summary>
public sealed class InitiativeLinks(InitiativeV1.InitiativeService.InitiativeServiceClient client)
{
    private const string Dependency = "initiative";
    private const int PageSize = 200;

    public async Task RequireSignatoryAsync(MemberProfile owner, IEnumerable<string> initiativeIds, CancellationToken ct)
    {
        foreach (var initiativeId in initiativeIds.Distinct(StringComparer.Ordinal))
        {
            // The id is the caller's (offer.initiative_ids): NOT_FOUND is "no such initiative", a malformed id its INVALID_ARGUMENT.
            var found = await DependencyCalls.LookUpAsync(Dependency,
                async () => await client.GetInitiativeAsync(new InitiativeV1.GetInitiativeRequest { Id = initiativeId }, cancellationToken: ct), ct, "offer.initiative_ids");
            if (found?.Initiative is not { } initiative)
            {
                throw new PreconditionFailedException($"Initiative '{initiativeId}' does not exist.", "INITIATIVE", initiativeId);
            }

            if (initiative.ProposerIds.Contains(owner.Id) || await HasSignedAsync(owner, initiativeId, ct))
            {
                continue;
            }

            throw new PreconditionFailedException(
                $"Organisation '{owner.Id}' has not signed initiative '{initiativeId}'; only signatories may link items to it.", "SIGNATORY", initiativeId);
        }
    }

    private async Task<bool> HasSignedAsync(MemberProfile owner, string initiativeId, CancellationToken ct)
    {
        // Narrowed to the owner's country so the scan stays short however many members signed.
        var request = new InitiativeV1.ListSignaturesRequest { InitiativeId = initiativeId, CountryCode = owner.CountryCode, PageSize = PageSize };
        while (true)
        {
            var page = await DependencyCalls.LookUpAsync(Dependency,
                async () => await client.ListSignaturesAsync(request, cancellationToken: ct), ct);
            if (page is null)
            {
                return false;
            }

            if (page.Signatures.Any(s => s.OrganizationId == owner.Id && s.State == InitiativeV1.SignatureState.Signed))
            {
                return true;
            }

            if (string.IsNullOrEmpty(page.NextPageToken))
            {
                return false;
            }

            request.PageToken = page.NextPageToken;
        }
    }
}
