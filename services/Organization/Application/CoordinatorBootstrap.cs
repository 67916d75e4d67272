using MediaMesh.Common.Audit;
using MediaMesh.Common.Errors;
using MediaMesh.Organizations.Domain;
using MediaMesh.Organizations.Persistence;
using MediaMesh.ServiceDefaults.Audit;
using MediaMesh.ServiceDefaults.Identity;
using Microsoft.EntityFrameworkCore;

namespace MediaMesh.Organizations.Application;

/// <summary>
/// Creates the first coordinator organisation and its API key on an empty system. Refuses once any
/// coordinator exists, so it cannot be used to mint a second, unaudited administrator.
/// </summary>
public sealed class CoordinatorBootstrap(OrganizationDbContext db, TimeProvider clock)
{
    public async Task<(Organization Organization, string Secret)> RunAsync(
        string name, string countryCode, OrganizationKind kind, string language, CancellationToken ct)
    {
        if (await db.Organizations.AnyAsync(o => o.Role == OrganizationRole.Coordinator, ct))
        {
            throw new PreconditionFailedException("A coordinator already exists; create further organisations and keys through the API.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var organization = Organization.Register(Ids.NewOrganizationId(), kind, [new LocalizedName(language, name, true)],
            string.Empty, countryCode, [language], string.Empty, string.Empty, now);
        organization.MakeFoundingCoordinator(now);
        var secret = ApiKeySecret.Generate();
        db.Organizations.Add(organization);
        var key = ApiKey.Create(Ids.NewApiKeyId(), organization.Id, "bootstrap", secret, null, now);
        db.ApiKeys.Add(key);
        // The bootstrap command acts as the founding coordinator itself, with no API key yet.
        var founder = new CallerIdentity(organization.Id, CallerRoles.Coordinator);
        db.RecordAudit(founder, OrganizationAuditActions.OrganizationCreated, "founding coordinator, by the bootstrap command", now,
            AuditSubject.Organization(organization.Id));
        db.RecordAudit(founder, OrganizationAuditActions.ApiKeyCreated, "\"bootstrap\"", now,
            AuditSubject.ApiKey(key.Id), AuditSubject.Organization(organization.Id));
        await db.SaveChangesAsync(ct);
        return (organization, secret.Value);
    }
}
