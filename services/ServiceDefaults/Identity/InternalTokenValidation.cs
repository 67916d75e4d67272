using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace MediaMesh.ServiceDefaults.Identity;

/// <summary>
/// How a service checks an internal token: ES256 only, signed by the key of the issuer the token
/// names (a token naming an issuer without a configured public key is refused), within its
/// lifetime; then <see cref="Problem"/>'s rules on who may claim what.
/// </summary>
public static class InternalTokenValidation
{
    public static TokenValidationParameters Parameters(InternalTokenOptions settings, string self)
    {
        var keys = settings.Issuers.ToDictionary(
            issuer => issuer.Key,
            issuer => (SecurityKey)new ECDsaSecurityKey(TokenKeys.ImportPublic(issuer.Value.PublicKey, PublicKeySetting(issuer.Key))) { KeyId = issuer.Key },
            StringComparer.Ordinal);
        return new TokenValidationParameters
        {
            ValidIssuers = keys.Keys,
            ValidAudiences = [InternalTokenNames.MemberAudience, self],
            // The key is chosen by the token's issuer, never by a key id the token brings.
            IssuerSigningKeyResolver = (_, token, _, _) => token?.Issuer is { } issuer && keys.TryGetValue(issuer, out var key) ? [key] : [],
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = settings.ClockSkew,
            NameClaimType = MediaMeshClaims.OrganizationId,
            RoleClaimType = MediaMeshClaims.Role,
        };
    }

    /// <summary>
    /// Null if the verified token's claims fit its issuer, else why not: a member or coordinator
    /// only from the gateway to every service; a service only as itself (sub = service:{iss}) and
    /// only to the callee it was signed for.
    /// </summary>
    public static string? Problem(ClaimsPrincipal principal, string self)
    {
        var issuer = principal.FindFirstValue("iss");
        var subject = principal.FindFirstValue(MediaMeshClaims.OrganizationId);
        var audiences = principal.FindAll("aud").Select(c => c.Value).ToArray();
        return principal.FindFirstValue(MediaMeshClaims.Role) switch
        {
            CallerRoles.Member or CallerRoles.Coordinator when issuer != InternalTokenNames.Gateway => "only the gateway signs member tokens",
            CallerRoles.Member or CallerRoles.Coordinator when audiences is not [InternalTokenNames.MemberAudience] => "a member token is for the services",
            CallerRoles.Member or CallerRoles.Coordinator when string.IsNullOrEmpty(subject) || subject.StartsWith(InternalTokenNames.ServiceSubject(string.Empty), StringComparison.Ordinal) =>
                "a member token names an organisation",
            CallerRoles.Member or CallerRoles.Coordinator => null,
            CallerRoles.Service when issuer is null || subject != InternalTokenNames.ServiceSubject(issuer) => "a service token names its own issuer",
            CallerRoles.Service when audiences.Length != 1 || audiences[0] != self => "the service token is for another service",
            CallerRoles.Service => null,
            _ => "unknown role",
        };
    }

    public static string PublicKeySetting(string issuer) => $"{InternalTokenOptions.SectionName}:Issuers:{issuer}:PublicKey";

    public const string PrivateKeySetting = $"{InternalTokenOptions.SectionName}:PrivateKey";
}

/// <summary>
/// Start-up checks of "MediaMesh:InternalToken" (ValidateOnStart): every configured key parses;
/// a service trusts the gateway; a process that signs has its own private key.
/// </summary>
internal sealed class InternalTokenOptionsValidation(string self, bool verifies, bool signs) : IValidateOptions<InternalTokenOptions>
{
    public ValidateOptionsResult Validate(string? name, InternalTokenOptions options)
    {
        var failures = new List<string>();
        if (options.Lifetime <= TimeSpan.Zero || options.Lifetime > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{InternalTokenOptions.SectionName}:Lifetime must be more than zero and at most 5 minutes (default 60 s).");
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{InternalTokenOptions.SectionName}:ClockSkew must be between zero and one minute.");
        }

        if (signs && TokenKeys.Problem(options.PrivateKey, InternalTokenValidation.PrivateKeySetting, isPrivate: true) is { } privateProblem)
        {
            failures.Add($"The {self} signs its own calls: {privateProblem}");
        }

        if (verifies)
        {
            if (!options.Issuers.ContainsKey(InternalTokenNames.Gateway))
            {
                failures.Add($"{InternalTokenValidation.PublicKeySetting(InternalTokenNames.Gateway)} is not set: the {self} service verifies member tokens with the gateway's public key.");
            }

            foreach (var (issuer, trusted) in options.Issuers)
            {
                if (TokenKeys.Problem(trusted.PublicKey, InternalTokenValidation.PublicKeySetting(issuer), isPrivate: false) is { } problem)
                {
                    failures.Add(problem);
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
