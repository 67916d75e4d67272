using MediaMesh.Common;
using MediaMesh.Common.Audit;
using MediaMesh.Common.Errors;
using MediaMesh.Common.Paging;
using MediaMesh.Exchange.Domain;
using MediaMesh.Exchange.Persistence;
using MediaMesh.ServiceDefaults.Audit;
using MediaMesh.ServiceDefaults.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace MediaMesh.Exchange.Application;

public enum Direction
{
    Incoming = 1,
    Outgoing = 2,
}

/// <summary>Requests, decisions and licences, judged by <see cref="RightsPolicy"/>; each change saved with its audit entry.</summary>
public sealed class Licensing(ExchangeDbContext db, TimeProvider clock, MemberDirectory members)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<(ContentRequest Request, Licence? Licence)> RequestAsync(CallerIdentity caller, string offerId, LicenceAsk ask, string message, CancellationToken ct)
    {
        var visible = await db.Offers.AsNoTracking().SingleOrDefaultAsync(o => o.Id == offerId, ct);
        if (!caller.MaySee(visible))
        {
            throw new ResourceNotFoundException("Offer", offerId);
        }

        // The call to the organization service comes first: the grant's write lock is never held across it.
        var requester = await members.RequireActiveAsync(caller.OrganizationId, ct);
        await using var grant = await BeginGrantAsync(offerId, ct);
        var offer = await db.Offers.AsNoTracking().SingleAsync(o => o.Id == offerId, ct);
        var now = Now;
        var decision = RightsPolicy.Decide(OfferTerms.Of(offer), ask, requester, await HoldsOfOthersAsync(offerId, requester.Id, ct), now);
        if (decision.Outcome == RightsOutcome.Refused)
        {
            throw new PreconditionFailedException(decision.Reason, "RIGHTS_" + decision.Subject, offerId);
        }

        var request = ContentRequest.Make(Ids.NewRequestId(), offer, requester, ask, message, now);
        db.ContentRequests.Add(request);
        db.RecordAudit(caller, ExchangeAuditActions.RequestCreated, Describe(request), now, ExchangeAuditActions.Of(request));
        Licence? licence = null;
        if (decision.Outcome == RightsOutcome.AutoApproved)
        {
            licence = request.Approve(Ids.NewLicenceId(), offer, automatically: true, now);
            db.Licences.Add(licence);
            RecordApproval(caller, request, licence, offer, "auto-approved by the offer's policy", now);
        }

        await db.SaveChangesAsync(ct);
        await grant.CommitAsync(ct);
        return (request, licence);
    }

    public async Task<ContentRequest> GetRequestAsync(CallerIdentity caller, string id, CancellationToken ct)
    {
        var request = await db.ContentRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct);
        if (request is null || !(caller.MayActFor(request.OwnerId) || caller.OrganizationId == request.RequesterId))
        {
            throw new ResourceNotFoundException("Content request", id);
        }

        return request;
    }

    public async Task<PageResult<ContentRequest>> ListRequestsAsync(
        CallerIdentity caller, Direction direction, ContentRequestState? state, string? offerId, PageRequest page, string fingerprint, CancellationToken ct)
    {
        var me = caller.OrganizationId;
        IQueryable<ContentRequest> rows = db.ContentRequests.AsNoTracking();
        rows = direction == Direction.Incoming ? rows.Where(r => r.OwnerId == me) : rows.Where(r => r.RequesterId == me);
        if (state is { } s)
        {
            rows = rows.Where(r => r.State == s);
        }

        if (!string.IsNullOrEmpty(offerId))
        {
            rows = rows.Where(r => r.OfferId == offerId);
        }

        if (page.After is { } after)
        {
            rows = rows.Where(r => r.Id.CompareTo(after.Id) < 0);
        }

        var fetched = await rows.OrderByDescending(r => r.Id).Take(page.PageSize + 1).ToListAsync(ct);
        return PageResult.From(fetched, page, fingerprint, r => new PageCursor(string.Empty, r.Id));
    }

    /// <summary>Approves a pending request after judging it again: rights or exclusivity may have changed since it was made.</summary>
    public async Task<(ContentRequest Request, Licence Licence)> ApproveAsync(CallerIdentity caller, string id, string? etag, CancellationToken ct)
    {
        // The offer is locked before the request is read for the decision, so the request, the offer and
        // the other licences are all read as the grant before this one left them.
        var parties = await db.ContentRequests.AsNoTracking().Where(r => r.Id == id).Select(r => new { r.OfferId, r.RequesterId }).SingleOrDefaultAsync(ct)
            ?? throw new ResourceNotFoundException("Content request", id);
        var offerId = parties.OfferId;

        // A requester suspended since asking may not be licensed (checked before the lock: no lock is held across a call).
        await FindForDecisionAsync(caller, id, etag, ct);
        await members.RequireActiveAsync(parties.RequesterId, ct);
        db.ChangeTracker.Clear();
        await using var grant = await BeginGrantAsync(offerId, ct);
        var request = await FindForDecisionAsync(caller, id, etag, ct);
        var offer = await db.Offers.AsNoTracking().SingleAsync(o => o.Id == request.OfferId, ct);
        if (request.State == ContentRequestState.Pending)
        {
            var now = Now;
            var refusal = RightsPolicy.CheckLicensable(OfferTerms.Of(offer), request.Ask, request.Requester, await HoldsOfOthersAsync(offer.Id, request.RequesterId, ct), now);
            if (refusal is not null)
            {
                throw new PreconditionFailedException(refusal.Reason, "RIGHTS_" + refusal.Subject, offer.Id);
            }
        }

        var licence = request.Approve(Ids.NewLicenceId(), offer, automatically: false, Now);
        db.Licences.Add(licence);
        RecordApproval(caller, request, licence, offer, "approved", Now);

        await db.SaveChangesAsync(ct);
        await grant.CommitAsync(ct);
        return (request, licence);
    }

    public async Task<ContentRequest> DeclineAsync(CallerIdentity caller, string id, string? etag, string reason, CancellationToken ct)
    {
        var request = await FindForDecisionAsync(caller, id, etag, ct);
        var from = request.State;
        request.Decline(reason, Now);
        db.RecordAudit(caller, ExchangeAuditActions.RequestDeclined, $"{from} -> {request.State}; reason: {reason}", Now, ExchangeAuditActions.Of(request));
        await db.SaveChangesAsync(ct);
        return request;
    }

    public async Task<ContentRequest> CancelAsync(CallerIdentity caller, string id, string? etag, CancellationToken ct)
    {
        var request = await FindAsync(caller, id, etag, ct);
        if (caller.OrganizationId != request.RequesterId)
        {
            throw new PermissionDeniedException("Only the requester may cancel a request.");
        }

        var from = request.State;
        request.Cancel(Now);
        db.RecordAudit(caller, ExchangeAuditActions.RequestCancelled, $"{from} -> {request.State}", Now, ExchangeAuditActions.Of(request));
        await db.SaveChangesAsync(ct);
        return request;
    }

    public async Task<Licence> GetLicenceAsync(CallerIdentity caller, string id, CancellationToken ct)
    {
        var licence = await db.Licences.AsNoTracking().SingleOrDefaultAsync(l => l.Id == id, ct);
        if (licence is null || !(caller.MayActFor(licence.LicensorId) || caller.OrganizationId == licence.LicenseeId))
        {
            throw new ResourceNotFoundException("Licence", id);
        }

        return licence;
    }

    public async Task<PageResult<Licence>> ListLicencesAsync(
        CallerIdentity caller, Direction direction, string? offerId, LicenceState? state, PageRequest page, string fingerprint, CancellationToken ct)
    {
        var me = caller.OrganizationId;
        IQueryable<Licence> rows = db.Licences.AsNoTracking();
        rows = direction == Direction.Incoming ? rows.Where(l => l.LicensorId == me) : rows.Where(l => l.LicenseeId == me);
        if (!string.IsNullOrEmpty(offerId))
        {
            rows = rows.Where(l => l.OfferId == offerId);
        }

        if (state is { } s)
        {
            rows = rows.Where(l => l.State == s);
        }

        if (page.After is { } after)
        {
            rows = rows.Where(l => l.Id.CompareTo(after.Id) < 0);
        }

        var fetched = await rows.OrderByDescending(l => l.Id).Take(page.PageSize + 1).ToListAsync(ct);
        return PageResult.From(fetched, page, fingerprint, l => new PageCursor(string.Empty, l.Id));
    }

    /// <summary>
    /// The transaction a grant is judged and written in, holding the offer's lock
    /// (<see cref="ExchangeDbContext.LockOfferAsync"/>) before the offer and its licences are read: concurrent
    /// grants and kills of one offer — other threads, other replicas — are judged one after another, each
    /// seeing the licences granted before it, so two exclusive grants for one country and period cannot both
    /// succeed (no write skew under READ COMMITTED), and no grant lands on a killed offer.
    /// </summary>
    private async Task<IDbContextTransaction> BeginGrantAsync(string offerId, CancellationToken ct)
    {
        var transaction = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.LockOfferAsync(offerId, ct);
            return transaction;
        }
        catch
        {
            await transaction.DisposeAsync();
            throw;
        }
    }

    private void RecordApproval(CallerIdentity caller, ContentRequest request, Licence licence, Offer offer, string how, DateTime now) =>
        db.RecordAudit(caller, ExchangeAuditActions.RequestApproved, $"{how}; licence {licence.Id} granted on version {offer.ContentVersion}", now,
            [.. ExchangeAuditActions.Of(request), .. ExchangeAuditActions.Of(licence), AuditSubject.OfferVersion(offer.Id, offer.ContentVersion)]);

    private static string Describe(ContentRequest request) =>
        $"{string.Join("+", request.Uses)} in {string.Join(",", request.Territories)}, {request.PeriodStart:O} to {(request.PeriodEnd is { } end ? end.ToString("O") : "open end")}";

    private async Task<IReadOnlyList<LicenceHold>> HoldsOfOthersAsync(string offerId, string requesterId, CancellationToken ct) =>
        (await db.Licences.AsNoTracking()
            .Where(l => l.OfferId == offerId && l.State == LicenceState.Active && l.LicenseeId != requesterId)
            .ToListAsync(ct))
        .Select(l => l.Hold)
        .ToArray();

    private async Task<ContentRequest> FindForDecisionAsync(CallerIdentity caller, string id, string? etag, CancellationToken ct)
    {
        var request = await FindAsync(caller, id, etag, ct);
        if (!caller.MayActFor(request.OwnerId))
        {
            throw new PermissionDeniedException("Only the offer's owner or a coordinator may decide on a request.");
        }

        return request;
    }

    private async Task<ContentRequest> FindAsync(CallerIdentity caller, string id, string? etag, CancellationToken ct)
    {
        var request = await db.ContentRequests.SingleOrDefaultAsync(r => r.Id == id, ct);
        if (request is null || !(caller.MayActFor(request.OwnerId) || caller.OrganizationId == request.RequesterId))
        {
            throw new ResourceNotFoundException("Content request", id);
        }

        if (!Etag.Matches(etag, request.Version))
        {
            throw new EtagMismatchException("Content request", id);
        }

        return request;
    }
}
