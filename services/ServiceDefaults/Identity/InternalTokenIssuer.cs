using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MediaMesh.ServiceDefaults.Identity;

/// <summary>Signs short-lived internal tokens (used by the gateway, tests and service-own calls).</summary>
public sealed class InternalTokenIssuer(IOptions<InternalTokenOptions> options, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new();

    public string Issue(string organizationId, string role, string? apiKeyId = null)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object>
        {
            [MediaMeshClaims.OrganizationId] = organizationId,
            [MediaMeshClaims.Role] = role,
        };
        if (!string.IsNullOrEmpty(apiKeyId))
        {
            claims[MediaMeshClaims.ApiKeyId] = apiKeyId;
        }

        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + settings.Lifetime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(settings.GetKeyBytes()), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>Validation parameters matching <see cref="Issue"/>; used by the services' JWT bearer handler.</summary>
    public static TokenValidationParameters ValidationParameters(InternalTokenOptions settings) => new()
    {
        ValidIssuer = settings.Issuer,
        ValidAudience = settings.Audience,
        IssuerSigningKey = new SymmetricSecurityKey(settings.GetKeyBytes()),
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = MediaMeshClaims.OrganizationId,
        RoleClaimType = MediaMeshClaims.Role,
    };
}
