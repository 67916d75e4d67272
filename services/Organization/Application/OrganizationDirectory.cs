using MediaMesh.Common;
using MediaMesh.Common.Audit;
using MediaMesh.Common.Errors;
using MediaMesh.Common.Paging;
using MediaMesh.Organizations.Domain;
using MediaMesh.Organizations.Persistence;
using MediaMesh.ServiceDefaults.Audit;
using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;

namespace MediaMesh.Organizations.Application;

/// <summary>
/// The organisation directory's use cases: who may do what, loading, saving and querying.
/// The gRPC layer only validates messages and maps; the rules of each entity live in Domain. Every
/// change adds its audit entry (<see cref="OrganizationAuditActions"/>) to the SaveChanges that makes it.
/// </summary>
public sealed class OrganizationDirectory(OrganizationDbContext db, TimeProvider clock)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<OrganizationView> RegisterAsync(CallerIdentity caller, OrganizationKind kind, OrganizationDescription description, CancellationToken ct)
    {
        caller.RequireCoordinator("register organisations");
        var organization = Organization.Register(Ids.NewOrganizationId(), kind, description.Names, description.ShortName,
            description.CountryCode, description.WorkingLanguages, description.Website, description.ContactEmail, Now);
        db.Organizations.Add(organization);
        db.RecordAudit(caller, OrganizationAuditActions.OrganizationCreated,
            $"{kind} in {organization.CountryCode}, pending", Now, AuditSubject.Organization(organization.Id));
        await db.SaveChangesAsync(ct);
        return new OrganizationView(organization, []);
    }

    /// <summary>
    /// An organisation with its unions, in one round trip, untracked (a read changes nothing), from a compiled
    /// query (without one, EF compiled a delegate on every call for the subquery's <c>db</c>).
    /// </summary>
    public async Task<OrganizationView> GetAsync(string id, CancellationToken ct) =>
        await FindWithUnions.ExecuteAsync(db, id, ct) ?? throw new ResourceNotFoundException("Organization", id);

    private static readonly CompiledQueryPerModel<OrganizationDbContext, string, OrganizationView?> FindWithUnions = new((OrganizationDbContext db, string id, CancellationToken ct) => db.Organizations.AsNoTracking()
            .Where(o => o.Id == id)
            .Select(o => new OrganizationView(o, db.UnionMemberships
                .Where(m => m.MemberId == o.Id && m.State == UnionMembershipState.Approved)
                .OrderBy(m => m.UnionId)
                .Select(m => m.UnionId)
                .ToList()))
            .FirstOrDefault());

    public async Task<(IReadOnlyList<OrganizationView> Found, IReadOnlyList<string> Missing)> BatchGetAsync(IReadOnlyList<string> ids, CancellationToken ct)
    {
        var distinct = ids.Distinct(StringComparer.Ordinal).ToArray();
        var found = await db.Organizations.AsNoTracking().Where(o => distinct.Contains(o.Id)).ToDictionaryAsync(o => o.Id, ct);
        var unions = await db.UnionMemberships.AsNoTracking()
            .Where(m => distinct.Contains(m.MemberId) && m.State == UnionMembershipState.Approved)
            .Select(m => new { m.MemberId, m.UnionId })
            .ToListAsync(ct);
        var unionsByMember = unions.GroupBy(u => u.MemberId).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(u => u.UnionId).Order(StringComparer.Ordinal).ToArray());
        var views = distinct.Where(found.ContainsKey)
            .Select(id => new OrganizationView(found[id], unionsByMember.GetValueOrDefault(id, [])))
            .ToArray();
        var missing = distinct.Where(id => !found.ContainsKey(id)).ToArray();
        return (views, missing);
    }

    public async Task<PageResult<OrganizationView>> ListAsync(DirectoryQuery query, PageRequest page, CancellationToken ct)
    {
        IQueryable<Organization> rows = db.Organizations.AsNoTracking();
        if (query.Region is { } region)
        {
            rows = rows.Where(o => o.Region == region);
        }

        if (!string.IsNullOrEmpty(query.CountryCode))
        {
            rows = rows.Where(o => o.CountryCode == query.CountryCode);
        }

        if (query.Kind is { } kind)
        {
            rows = rows.Where(o => o.Kind == kind);
        }

        if (query.Status is { } status)
        {
            rows = rows.Where(o => o.Status == status);
        }

        if (!string.IsNullOrEmpty(query.Text))
        {
            var text = query.Text.ToLowerInvariant();
            rows = rows.Where(o => o.SearchText.Contains(text));
        }

        if (!string.IsNullOrEmpty(query.UnionId))
        {
            var unionId = query.UnionId;
            rows = rows.Where(o => db.UnionMemberships.Any(m => m.MemberId == o.Id && m.UnionId == unionId && m.State == UnionMembershipState.Approved));
        }

        if (page.After is { } after)
        {
            rows = rows.Where(o => o.SortName.CompareTo(after.SortKey) > 0 || (o.SortName == after.SortKey && o.Id.CompareTo(after.Id) > 0));
        }

        var fetched = await rows.OrderBy(o => o.SortName).ThenBy(o => o.Id).Take(page.PageSize + 1).ToListAsync(ct);
        var organizations = PageResult.From(fetched, page, query.Fingerprint, o => new PageCursor(o.SortName, o.Id));
        var (views, _) = await BatchGetAsync(organizations.Items.Select(o => o.Id).ToArray(), ct);
        return new PageResult<OrganizationView>(views, organizations.NextPageToken);
    }

    public async Task<OrganizationView> UpdateAsync(CallerIdentity caller, string id, string? etag, Func<OrganizationDescription, OrganizationDescription> change, CancellationToken ct)
    {
        caller.RequireActingFor(id, "change an organisation's details");
        var organization = await FindForChangeAsync(id, etag, ct);
        var before = organization.CountryCode;
        var updated = change(OrganizationDescription.Of(organization));
        organization.Describe(updated.Names, updated.ShortName, updated.CountryCode, updated.WorkingLanguages, updated.Website, updated.ContactEmail, Now, caller.IsCoordinator);
        db.RecordAudit(caller, OrganizationAuditActions.OrganizationUpdated,
            before == organization.CountryCode ? "details changed" : $"details changed; country {before} -> {organization.CountryCode}",
            Now, AuditSubject.Organization(id));
        await db.SaveChangesAsync(ct);
        return await GetAsync(id, ct);
    }

    public async Task<OrganizationView> ActivateAsync(CallerIdentity caller, string id, string? etag, CancellationToken ct)
    {
        caller.RequireCoordinator("activate organisations");
        var organization = await FindForChangeAsync(id, etag, ct);
        var from = organization.Status;
        organization.Activate(Now);
        db.RecordAudit(caller, OrganizationAuditActions.OrganizationActivated, $"{from} -> {organization.Status}", Now, AuditSubject.Organization(id));
        await db.SaveChangesAsync(ct);
        return await GetAsync(id, ct);
    }

    public async Task<OrganizationView> SuspendAsync(CallerIdentity caller, string id, string? etag, string reason, CancellationToken ct)
    {
        caller.RequireCoordinator("suspend organisations");
        var organization = await FindForChangeAsync(id, etag, ct);
        if (organization.Role == OrganizationRole.Coordinator)
        {
            await RequireAnotherActiveCoordinatorAsync(id, ct);
        }

        organization.Suspend(Now);
        db.RecordAudit(caller, OrganizationAuditActions.OrganizationSuspended,
            reason.Length > 0 ? $"Active -> Suspended; reason: {reason}" : "Active -> Suspended", Now, AuditSubject.Organization(id));
        await db.SaveChangesAsync(ct);
        return await GetAsync(id, ct);
    }

    public async Task<OrganizationView> SetRoleAsync(CallerIdentity caller, string id, OrganizationRole role, string? etag, CancellationToken ct)
    {
        caller.RequireCoordinator("change roles");
        var organization = await FindForChangeAsync(id, etag, ct);
        if (organization.Role == OrganizationRole.Coordinator && role != OrganizationRole.Coordinator)
        {
            await RequireAnotherActiveCoordinatorAsync(id, ct);
        }

        var previous = organization.Role;
        organization.SetRole(role, Now);
        db.RecordAudit(caller, OrganizationAuditActions.RoleChanged, $"{previous} -> {role}", Now, AuditSubject.Organization(id));
        await db.SaveChangesAsync(ct);
        return await GetAsync(id, ct);
    }

    public async Task<UnionMembership> RequestMembershipAsync(CallerIdentity caller, string unionId, string memberId, string message, CancellationToken ct)
    {
        caller.RequireActingFor(memberId, "ask to join a union for an organisation");
        var union = await FindAsync(unionId, ct);
        var member = await FindAsync(memberId, ct);
        var open = await db.UnionMemberships.AnyAsync(m => m.UnionId == unionId && m.MemberId == memberId
            && (m.State == UnionMembershipState.Requested || m.State == UnionMembershipState.Approved), ct);
        if (open)
        {
            throw OpenMembershipExists(unionId, memberId);
        }

        var membership = UnionMembership.Request(Ids.NewMembershipId(), union, member, message, Now);
        db.UnionMemberships.Add(membership);
        db.RecordAudit(caller, OrganizationAuditActions.MembershipRequested, $"{memberId} asks to join {unionId}", Now,
            AuditSubject.UnionMembership(membership.Id), AuditSubject.Organization(unionId), AuditSubject.Organization(memberId));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // A concurrent request won the race for the open-membership unique index.
            throw OpenMembershipExists(unionId, memberId);
        }

        return membership;
    }

    /// <param name="auditAction">The decision's audit action (<see cref="OrganizationAuditActions"/>).</param>
    public async Task<UnionMembership> DecideMembershipAsync(
        CallerIdentity caller, string id, string? etag, string auditAction, Action<UnionMembership, DateTime> decide, CancellationToken ct)
    {
        var membership = await FindMembershipAsync(id, ct);
        caller.RequireActingFor(membership.UnionId, "decide on a union's memberships (the union itself)");
        RequireEtag(membership, etag);
        var from = membership.State;
        decide(membership, Now);
        RecordMembershipChange(caller, auditAction, membership, from);
        await db.SaveChangesAsync(ct);
        return membership;
    }

    public async Task<UnionMembership> EndMembershipAsync(CallerIdentity caller, string id, string reason, string? etag, CancellationToken ct)
    {
        var membership = await FindMembershipAsync(id, ct);
        if (!caller.MayActFor(membership.UnionId) && !caller.MayActFor(membership.MemberId))
        {
            throw new PermissionDeniedException("Only the member, the union or a coordinator may end a membership.");
        }

        RequireEtag(membership, etag);

        var before = membership.State;
        membership.End(reason, Now);
        RecordMembershipChange(caller, OrganizationAuditActions.MembershipEnded, membership, before);
        await db.SaveChangesAsync(ct);
        return membership;
    }

    public async Task<PageResult<UnionMembership>> ListMembershipsAsync(string? unionId, string? memberId, UnionMembershipState? state, PageRequest page, string fingerprint, CancellationToken ct)
    {
        IQueryable<UnionMembership> rows = db.UnionMemberships.AsNoTracking();
        rows = string.IsNullOrEmpty(unionId) ? rows.Where(m => m.MemberId == memberId) : rows.Where(m => m.UnionId == unionId);
        if (state is { } s)
        {
            rows = rows.Where(m => m.State == s);
        }

        if (page.After is { } after)
        {
            rows = rows.Where(m => m.Id.CompareTo(after.Id) > 0);
        }

        var fetched = await rows.OrderBy(m => m.Id).Take(page.PageSize + 1).ToListAsync(ct);
        return PageResult.From(fetched, page, fingerprint, m => new PageCursor(string.Empty, m.Id));
    }

    public async Task<(ApiKey Key, string Secret)> CreateApiKeyAsync(CallerIdentity caller, string organizationId, string displayName, DateTime? expireTime, CancellationToken ct)
    {
        caller.RequireActingFor(organizationId, "manage an organisation's API keys");
        await FindAsync(organizationId, ct);
        if (expireTime is { } expiry && expiry <= Now)
        {
            throw ValidationFailedException.For("expire_time", "must be in the future");
        }

        var secret = ApiKeySecret.Generate();
        var key = ApiKey.Create(Ids.NewApiKeyId(), organizationId, displayName, secret, expireTime, Now);
        db.ApiKeys.Add(key);
        db.RecordAudit(caller, OrganizationAuditActions.ApiKeyCreated,
            expireTime is { } expires ? $"\"{displayName}\", expires {expires:O}" : $"\"{displayName}\"", Now,
            AuditSubject.ApiKey(key.Id), AuditSubject.Organization(organizationId));
        await db.SaveChangesAsync(ct);
        return (key, secret.Value);
    }

    public async Task<PageResult<ApiKey>> ListApiKeysAsync(CallerIdentity caller, string organizationId, bool showRevoked, PageRequest page, string fingerprint, CancellationToken ct)
    {
        caller.RequireActingFor(organizationId, "manage an organisation's API keys");
        await FindAsync(organizationId, ct);
        var now = Now;
        IQueryable<ApiKey> rows = db.ApiKeys.AsNoTracking().Where(k => k.OrganizationId == organizationId);
        if (!showRevoked)
        {
            rows = rows.Where(k => k.RevokeTime == null && (k.ExpireTime == null || k.ExpireTime > now));
        }

        if (page.After is { } after)
        {
            rows = rows.Where(k => k.Id.CompareTo(after.Id) < 0);
        }

        var fetched = await rows.OrderByDescending(k => k.Id).Take(page.PageSize + 1).ToListAsync(ct);
        return PageResult.From(fetched, page, fingerprint, k => new PageCursor(string.Empty, k.Id));
    }

    public async Task<ApiKey> RevokeApiKeyAsync(CallerIdentity caller, string organizationId, string id, CancellationToken ct)
    {
        caller.RequireActingFor(organizationId, "manage an organisation's API keys");
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id && k.OrganizationId == organizationId, ct)
            ?? throw new ResourceNotFoundException("API key", id);
        if (key.RevokeTime is null)
        {
            // Revoking a revoked key changes nothing and records nothing.
            key.Revoke(Now);
            db.RecordAudit(caller, OrganizationAuditActions.ApiKeyRevoked, $"\"{key.DisplayName}\"", Now,
                AuditSubject.ApiKey(key.Id), AuditSubject.Organization(organizationId));
            await db.SaveChangesAsync(ct);
        }

        return key;
    }

    public async Task<ResolvedKey> ResolveApiKeyAsync(CallerIdentity caller, string secret, CancellationToken ct)
    {
        if (!caller.IsService)
        {
            throw new PermissionDeniedException("Only the gateway may resolve API keys.");
        }

        var now = Now;
        ApiKey? key = null;
        if (ApiKeySecret.LooksValid(secret))
        {
            var hash = ApiKeySecret.HashOf(secret);
            key = await db.ApiKeys.SingleOrDefaultAsync(k => k.SecretHash == hash, ct);
        }

        if (key is null || !key.IsUsable(now))
        {
            throw new ResourceNotFoundException("API key", "presented");
        }

        var organization = await FindAsync(key.OrganizationId, ct);
        if (key.RecordUse(now))
        {
            await db.SaveChangesAsync(ct);
        }

        return new ResolvedKey(key.Id, organization.Id, organization.Role, organization.Status, key.ExpireTime);
    }

    /// <summary>
    /// What a long call re-checks about its caller: the organisation now and whether the key it
    /// presented (if any) is still usable. Services only: it tells whether a key exists.
    /// </summary>
    public async Task<CallerStanding> GetCallerStandingAsync(CallerIdentity caller, string organizationId, string apiKeyId, CancellationToken ct)
    {
        if (!caller.IsService)
        {
            throw new PermissionDeniedException("Only MediaMesh services may read a caller's standing.");
        }

        var organization = await GetAsync(organizationId, ct);
        var keyActive = apiKeyId.Length > 0
            && await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Id == apiKeyId && k.OrganizationId == organizationId, ct) is { } key
            && key.IsUsable(Now);
        return new CallerStanding(organization, keyActive);
    }

    /// <summary>The directory's audit trail as <paramref name="caller"/> may see it (<see cref="AuditVisibility"/>).</summary>
    public Task<PageResult<AuditEntry>> ListAuditEntriesAsync(CallerIdentity caller, AuditQuery query, PageRequest page, CancellationToken ct) =>
        db.ListAuditEntriesAsync(caller, query, page, ct);

    private void RecordMembershipChange(CallerIdentity caller, string action, UnionMembership membership, UnionMembershipState from) =>
        db.RecordAudit(caller, action,
            $"{from} -> {membership.State}" + (membership.DecisionReason.Length > 0 ? $"; reason: {membership.DecisionReason}" : string.Empty), Now,
            AuditSubject.UnionMembership(membership.Id), AuditSubject.Organization(membership.UnionId), AuditSubject.Organization(membership.MemberId));

    private async Task<Organization> FindAsync(string id, CancellationToken ct) =>
        await db.Organizations.SingleOrDefaultAsync(o => o.Id == id, ct) ?? throw new ResourceNotFoundException("Organization", id);

    private async Task<Organization> FindForChangeAsync(string id, string? etag, CancellationToken ct)
    {
        var organization = await FindAsync(id, ct);
        if (!Etag.Matches(etag, organization.Version))
        {
            throw new EtagMismatchException("Organization", id);
        }

        return organization;
    }

    private static AlreadyExistsException OpenMembershipExists(string unionId, string memberId) =>
        new($"Organisation '{memberId}' already has an open membership request or membership of '{unionId}'.");

    private async Task<UnionMembership> FindMembershipAsync(string id, CancellationToken ct) =>
        await db.UnionMemberships.SingleOrDefaultAsync(m => m.Id == id, ct) ?? throw new ResourceNotFoundException("Union membership", id);

    private static void RequireEtag(UnionMembership membership, string? etag)
    {
        if (!Etag.Matches(etag, membership.Version))
        {
            throw new EtagMismatchException("Union membership", membership.Id);
        }
    }

    private async Task RequireAnotherActiveCoordinatorAsync(string id, CancellationToken ct)
    {
        var others = await db.Organizations.AnyAsync(o => o.Id != id && o.Role == OrganizationRole.Coordinator && o.Status == OrganizationStatus.Active, ct);
        if (!others)
        {
            throw new PreconditionFailedException("At least one active coordinator must remain.", "LAST_COORDINATOR", id);
        }
    }
}
