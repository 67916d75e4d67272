using System.Security.Claims;
using Grpc.Core;
using MediaMesh.Common.Errors;

namespace MediaMesh.ServiceDefaults.Identity;

/// <summary>
/// Who is calling: the organisation and its role, taken from the verified internal token, and the API key
/// the gateway resolved (for the audit trail; empty when the token names none); or, for a service
/// token, "service:{name}" with the role service, which never acts for an organisation.
/// </summary>
public sealed record CallerIdentity(string OrganizationId, string Role, string ApiKeyId = "")
{
    public bool IsCoordinator => Role == CallerRoles.Coordinator;

    public bool IsService => Role == CallerRoles.Service;

    /// <summary>The calling service's name (the token's issuer) for a service token, else null.</summary>
    public string? ServiceName => IsService && OrganizationId.StartsWith(ServicePrefix, StringComparison.Ordinal) ? OrganizationId[ServicePrefix.Length..] : null;

    private static string ServicePrefix => InternalTokenNames.ServiceSubject(string.Empty);

    /// <summary>True if the caller acts for <paramref name="organizationId"/> or is a coordinator (a service never is).</summary>
    public bool MayActFor(string organizationId) => IsCoordinator || (!IsService && OrganizationId == organizationId);

    public void RequireCoordinator(string action)
    {
        if (!IsCoordinator)
        {
            throw new PermissionDeniedException($"Only a coordinator may {action}.");
        }
    }

    public void RequireActingFor(string organizationId, string action)
    {
        if (!MayActFor(organizationId))
        {
            throw new PermissionDeniedException($"Only the organisation itself or a coordinator may {action}.");
        }
    }

    public static CallerIdentity? FromPrincipal(ClaimsPrincipal? principal)
    {
        if (principal?.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        var org = principal.FindFirstValue(MediaMeshClaims.OrganizationId);
        var role = principal.FindFirstValue(MediaMeshClaims.Role);
        if (string.IsNullOrEmpty(org) || role is not (CallerRoles.Member or CallerRoles.Coordinator or CallerRoles.Service))
        {
            return null;
        }

        return new CallerIdentity(org, role, principal.FindFirstValue(MediaMeshClaims.ApiKeyId) ?? string.Empty);
    }
}

public static class ServerCallContextIdentityExtensions
{
    /// <summary>The verified caller; UNAUTHENTICATED if the call carried no valid internal token.</summary>
    public static CallerIdentity GetCaller(this ServerCallContext context) =>
        CallerIdentity.FromPrincipal(context.GetHttpContext().User)
        ?? throw new UnauthenticatedException("This call needs a valid MediaMesh token; call through the gateway with your API key.");
}
