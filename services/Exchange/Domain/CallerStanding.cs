using MediaMesh.Common.Errors;
using MediaMesh.ServiceDefaults.Identity;

namespace MediaMesh.Exchange.Domain;

/// <summary>A caller as the organization service describes it now: status, role, the key it presented, and where it sits.</summary>
public sealed record CallerStanding(bool Active, bool IsCoordinator, bool ApiKeyActive, MemberProfile Profile);

/// <summary>
/// Whether a long call (feed, download) may go on for its caller. The gateway checked the caller when
/// the call came in; this rule judges it again while the call runs. Null <paramref name="standing"/>
/// means the organisation is no longer registered.
/// </summary>
public static class StandingPolicy
{
    public static void Require(CallerIdentity caller, CallerStanding? standing)
    {
        if (standing is null)
        {
            throw new PermissionDeniedException($"Organisation '{caller.OrganizationId}' is no longer registered in the mechanism; the call was ended.");
        }

        if (caller.ApiKeyId.Length > 0 && !standing.ApiKeyActive)
        {
            throw new UnauthenticatedException("The API key this call was made with was revoked or has expired; the call was ended.");
        }

        if (!standing.Active)
        {
            throw new PermissionDeniedException($"Organisation '{caller.OrganizationId}' is no longer active; the call was ended.");
        }

        if (caller.IsCoordinator && !standing.IsCoordinator)
        {
            throw new PermissionDeniedException("The call was made with a coordinator's rights and the coordinator role was removed; the call was ended.");
        }
    }
}
