using MediaMesh.Common.Geography;
using MediaMesh.Exchange.Domain;
using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.ServiceDefaults.LongCalls;
using Microsoft.Extensions.Options;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Exchange.Application;

/// <summary>
/// The caller's standing now, from the organization service's internal CredentialService
/// (GetCallerStanding, asked with the exchange's own service identity: a member's forwarded token may
/// run out during a long stream), and the periodic re-check long calls run with it.
/// </summary>
public sealed class CallerStandings(
    OrgV1.CredentialService.CredentialServiceClient client, TimeProvider clock, IOptions<ExchangeOptions> options)
{
    private const string Dependency = "organization";

    /// <summary>The standing now; null if the organisation is no longer registered. UNAVAILABLE if it cannot be asked.</summary>
    public async Task<CallerStanding?> GetAsync(CallerIdentity caller, CancellationToken ct)
    {
        var response = await DependencyCalls.LookUpAsync(Dependency, async () => await client.GetCallerStandingAsync(
            new OrgV1.GetCallerStandingRequest { OrganizationId = caller.OrganizationId, ApiKeyId = caller.ApiKeyId },
            cancellationToken: ct), ct);
        return response is null
            ? null
            : new CallerStanding(
                response.Status == OrgV1.OrganizationStatus.Active,
                response.Role == OrgV1.OrganizationRole.Coordinator,
                response.ApiKeyActive,
                new MemberProfile(response.OrganizationId, response.CountryCode, (WorldRegion)response.Region, [.. response.UnionIds.Order(StringComparer.Ordinal)]));
    }

    /// <summary>
    /// A re-check of the caller for one long call, every <see cref="ExchangeOptions.StandingRecheckInterval"/>:
    /// it ends the call (<see cref="StandingPolicy"/>) or hands the fresh standing to <paramref name="onStanding"/>.
    /// Service identities have no organisation to re-check.
    /// </summary>
    public PeriodicRecheck Recheck(CallerIdentity caller, Action<CallerStanding>? onStanding = null)
    {
        var settings = options.Value;
        return new PeriodicRecheck(async ct =>
        {
            if (caller.IsService)
            {
                return;
            }

            var standing = await GetAsync(caller, ct);
            StandingPolicy.Require(caller, standing);
            onStanding?.Invoke(standing!);
        }, settings.StandingRecheckInterval, settings.StandingRecheckGrace, clock);
    }
}
