using MediaMesh.Common.Errors;
using MediaMesh.Common.Paging;
using MediaMesh.Initiatives.Domain;
using MediaMesh.Initiatives.Persistence;
using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;

namespace MediaMesh.Initiatives.Application;

/// <summary>
/// Initiatives' use cases: drafting, the lifecycle, queries and the audit trail. Every change and its
/// audit entry are saved together; every check against the organization service happens before
/// anything is written.
/// </summary>
public sealed class InitiativeWorkflow(InitiativeDbContext db, OrganizationDirectoryClient organizations, TimeProvider clock)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<InitiativeView> CreateAsync(CallerIdentity caller, InitiativeKind kind, InitiativeContent content, CancellationToken ct)
    {
        if (!caller.IsCoordinator && !content.ProposerIds.Contains(caller.OrganizationId, StringComparer.Ordinal))
        {
            throw new PermissionDeniedException("Your organisation must be one of the co-proposers of an initiative it creates.");
        }

        content.EnsurePeriodIsValid();
        await organizations.RequireActiveAsync(OrganizationReference.Within(content.ProposerIds, content.ProposerIds, "initiative.proposer_ids"), ct);
        var initiative = Initiative.Create(Ids.NewInitiativeId(), kind, content, Now);
        db.Initiatives.Add(initiative);
        db.AuditEntries.Add(AuditEntry.Record(initiative.Id, caller.OrganizationId, AuditActions.InitiativeCreated,
            $"{kind} created as a draft by co-proposers {string.Join(", ", content.ProposerIds)}", Now));
        await db.SaveChangesAsync(ct);
        return new InitiativeView(initiative, 0);
    }

    /// <summary>
    /// An initiative with its count of signatories, in one round trip, untracked, from a compiled query; NOT_FOUND if
    /// the caller may not see it.
    /// </summary>
    public async Task<InitiativeView> GetAsync(CallerIdentity caller, string id, CancellationToken ct)
    {
        var view = await FindWithSignatoryCount.ExecuteAsync(db, id, ct);
        if (view is null || !caller.MaySee(view.Initiative))
        {
            throw new ResourceNotFoundException("Initiative", id);
        }

        return view;
    }

    private static readonly CompiledQueryPerModel<InitiativeDbContext, string, InitiativeView?> FindWithSignatoryCount = new((InitiativeDbContext db, string id, CancellationToken ct) => db.Initiatives.AsNoTracking()
            .Where(i => i.Id == id)
            .Select(i => new InitiativeView(i, db.Signatures.Count(s => s.InitiativeId == i.Id && s.State == SignatureState.Signed)))
            .FirstOrDefault());

    public async Task<PageResult<InitiativeView>> ListAsync(CallerIdentity caller, InitiativeQuery query, PageRequest page, CancellationToken ct)
    {
        IQueryable<Initiative> rows = db.Initiatives.AsNoTracking();
        if (!caller.IsCoordinator)
        {
            var callerKey = Initiative.KeyOf(caller.OrganizationId);
            rows = rows.Where(i => i.State != InitiativeState.Draft || i.ProposerKey.Contains(callerKey));
        }

        if (query.Kind is { } kind)
        {
            rows = rows.Where(i => i.Kind == kind);
        }

        if (query.State is { } state)
        {
            rows = rows.Where(i => i.State == state);
        }

        if (!string.IsNullOrEmpty(query.ProposerId))
        {
            var proposerKey = Initiative.KeyOf(query.ProposerId);
            rows = rows.Where(i => i.ProposerKey.Contains(proposerKey));
        }

        if (!string.IsNullOrEmpty(query.SignatoryId))
        {
            var signatoryId = query.SignatoryId;
            rows = rows.Where(i => db.Signatures.Any(s => s.InitiativeId == i.Id && s.OrganizationId == signatoryId && s.State == SignatureState.Signed));
        }

        if (query.Region is { } region)
        {
            var bit = Initiative.MaskOf(region);
            rows = rows.Where(i => i.TargetRegionMask == 0 || (i.TargetRegionMask & bit) != 0);
        }

        if (query.PeriodStart is { } from)
        {
            rows = rows.Where(i => i.EndTime == null || i.EndTime > from);
        }

        if (query.PeriodEnd is { } until)
        {
            rows = rows.Where(i => i.StartTime == null || i.StartTime < until);
        }

        if (!string.IsNullOrEmpty(query.Text))
        {
            var text = query.Text.ToLowerInvariant();
            rows = rows.Where(i => i.SearchText.Contains(text));
        }

        if (page.After is { } after)
        {
            rows = rows.Where(i => i.Id.CompareTo(after.Id) < 0);
        }

        // Ids are time-ordered (UUIDv7), so descending id is newest first and a stable keyset.
        var fetched = await rows.OrderByDescending(i => i.Id).Take(page.PageSize + 1).ToListAsync(ct);
        var result = PageResult.From(fetched, page, query.Fingerprint, i => new PageCursor(string.Empty, i.Id));
        var ids = result.Items.Select(i => i.Id).ToArray();
        var counts = await db.Signatures.AsNoTracking()
            .Where(s => ids.Contains(s.InitiativeId) && s.State == SignatureState.Signed)
            .GroupBy(s => s.InitiativeId)
            .Select(g => new { InitiativeId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(c => c.InitiativeId, c => c.Count, ct);
        return new PageResult<InitiativeView>(
            result.Items.Select(i => new InitiativeView(i, counts.GetValueOrDefault(i.Id))).ToArray(), result.NextPageToken);
    }

    /// <summary>
    /// Revises a draft. <paramref name="change"/> builds the new content from the current one (the
    /// request's field mask) and may throw INVALID_ARGUMENT. Only newly added co-proposers are checked
    /// with the organization service: existing ones were checked when they were added.
    /// </summary>
    public async Task<InitiativeView> UpdateAsync(
        CallerIdentity caller, string id, string? etag, IReadOnlyCollection<string> fields, Func<InitiativeContent, InitiativeContent> change, CancellationToken ct)
    {
        var initiative = await db.FindForChangeAsync(caller, id, etag, "edit a draft", ct);
        if (initiative.State != InitiativeState.Draft)
        {
            throw new PreconditionFailedException(
                $"Only a draft can be edited; initiative '{id}' is {Initiative.Describe(initiative.State)}.", "STATE", id);
        }

        var content = change(initiative.Content);
        content.EnsurePeriodIsValid();
        if (!caller.IsCoordinator && !content.ProposerIds.Contains(caller.OrganizationId, StringComparer.Ordinal))
        {
            throw ValidationFailedException.For("initiative.proposer_ids", "must still include your organisation");
        }

        var added = content.ProposerIds.Where(p => !initiative.IsProposer(p)).ToArray();
        await organizations.RequireActiveAsync(OrganizationReference.Within(added, content.ProposerIds, "initiative.proposer_ids"), ct);
        initiative.Revise(content, Now);
        db.AuditEntries.Add(AuditEntry.Record(id, caller.OrganizationId, AuditActions.InitiativeUpdated,
            $"changed {string.Join(", ", fields)}", Now));
        await db.SaveChangesAsync(ct);
        return new InitiativeView(initiative, await CountSignatoriesAsync(id, ct));
    }

    public Task<InitiativeView> OpenAsync(CallerIdentity caller, string id, string? etag, CancellationToken ct) =>
        TransitionAsync(caller, id, etag, "open it for signature", AuditActions.InitiativeOpened, (i, now) => i.Open(now), string.Empty, ct);

    public Task<InitiativeView> ActivateAsync(CallerIdentity caller, string id, string? etag, CancellationToken ct) =>
        TransitionAsync(caller, id, etag, "activate it", AuditActions.InitiativeActivated, (i, now) => i.Activate(now), string.Empty, ct);

    public Task<InitiativeView> ConcludeAsync(CallerIdentity caller, string id, string? etag, CancellationToken ct) =>
        TransitionAsync(caller, id, etag, "conclude it", AuditActions.InitiativeConcluded, (i, now) => i.Conclude(now), string.Empty, ct);

    public Task<InitiativeView> WithdrawAsync(CallerIdentity caller, string id, string? etag, string reason, CancellationToken ct) =>
        TransitionAsync(caller, id, etag, "withdraw it", AuditActions.InitiativeWithdrawn, (i, now) => i.Withdraw(reason, now), $"reason: {reason}", ct);

    public async Task<PageResult<AuditEntry>> ListAuditAsync(CallerIdentity caller, string initiativeId, PageRequest page, string fingerprint, CancellationToken ct)
    {
        await db.FindVisibleAsync(caller, initiativeId, ct);
        IQueryable<AuditEntry> rows = db.AuditEntries.AsNoTracking().Where(a => a.InitiativeId == initiativeId);
        if (page.After is { } after)
        {
            if (!long.TryParse(after.Id, System.Globalization.CultureInfo.InvariantCulture, out var afterId))
            {
                throw ValidationFailedException.For("page_token", "is not a token from a previous page of this same query");
            }

            rows = rows.Where(a => a.Id > afterId);
        }

        var fetched = await rows.OrderBy(a => a.Id).Take(page.PageSize + 1).ToListAsync(ct);
        return PageResult.From(fetched, page, fingerprint,
            a => new PageCursor(string.Empty, a.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    private async Task<InitiativeView> TransitionAsync(
        CallerIdentity caller, string id, string? etag, string action, string auditAction, Action<Initiative, DateTime> move, string details, CancellationToken ct)
    {
        var initiative = await db.FindForChangeAsync(caller, id, etag, action, ct);
        var from = initiative.State;
        move(initiative, Now);
        var text = $"{from} -> {initiative.State}" + (details.Length > 0 ? $"; {details}" : string.Empty);
        db.AuditEntries.Add(AuditEntry.Record(id, caller.OrganizationId, auditAction, text, Now));
        await db.SaveChangesAsync(ct);
        return new InitiativeView(initiative, await CountSignatoriesAsync(id, ct));
    }

    private Task<int> CountSignatoriesAsync(string initiativeId, CancellationToken ct) =>
        db.Signatures.CountAsync(s => s.InitiativeId == initiativeId && s.State == SignatureState.Signed, ct);
}
