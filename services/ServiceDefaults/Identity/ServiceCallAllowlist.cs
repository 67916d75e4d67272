namespace MediaMesh.ServiceDefaults.Identity;

/// <summary>
/// The one place that says which methods a service may call on its own behalf (with a service
/// token: start-up, background work, the gateway's key look-ups, a long stream's re-checks after
/// the member's token has expired). Everything not listed is PERMISSION_DENIED to a service token;
/// member tokens are not affected (their rights are the domain's). To let a caller use one more
/// method, add its "/package.Service/Method" to the caller's line under the callee.
/// </summary>
public static class ServiceCallAllowlist
{
    private const string Organization = "/mediamesh.organization.v1.OrganizationService/";
    private const string Credentials = "/mediamesh.organization.v1.CredentialService/";
    private const string Initiative = "/mediamesh.initiative.v1.InitiativeService/";

    /// <summary>Callee → calling issuer → methods (a trailing "*" grants a whole service).</summary>
    private static readonly Dictionary<string, Dictionary<string, string[]>> Grants = new(StringComparer.Ordinal)
    {
        ["organization"] = new(StringComparer.Ordinal)
        {
            [InternalTokenNames.Gateway] = [Credentials + "*"],
            ["initiative"] = [Organization + "BatchGetOrganizations"],
            ["exchange"] = [Organization + "GetOrganization", Organization + "BatchGetOrganizations", Credentials + "GetCallerStanding"],
        },
        ["initiative"] = new(StringComparer.Ordinal)
        {
            ["exchange"] = [Initiative + "GetInitiative", Initiative + "ListSignatures"],
        },
    };

    /// <summary>True if <paramref name="caller"/>'s service token may call <paramref name="method"/> ("/package.Service/Method") on <paramref name="callee"/>.</summary>
    public static bool Allows(string callee, string caller, string method) =>
        Grants.TryGetValue(callee, out var callers)
        && callers.TryGetValue(caller, out var methods)
        && methods.Any(m => m.EndsWith('*') ? method.StartsWith(m[..^1], StringComparison.Ordinal) : string.Equals(m, method, StringComparison.Ordinal));

    /// <summary>The issuers that hold a grant on <paramref name="callee"/> (whose public keys it needs).</summary>
    public static IReadOnlyCollection<string> CallersOf(string callee) =>
        Grants.TryGetValue(callee, out var callers) ? callers.Keys : [];
}
