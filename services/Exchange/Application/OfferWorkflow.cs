using MediaMesh.Common;
using MediaMesh.Common.Audit;
using MediaMesh.Common.Errors;
using MediaMesh.Common.Paging;
using MediaMesh.Exchange.Domain;
using MediaMesh.Exchange.Persistence;
using MediaMesh.ServiceDefaults.Audit;
using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;

namespace MediaMesh.Exchange.Application;

/// <summary>
/// Offers' use cases: who may change what, checks with the organization and initiative services
/// before anything is written, version history, the feed event and the audit entry written with each change.
/// </summary>
public sealed class OfferWorkflow(ExchangeDbContext db, TimeProvider clock, MemberDirectory members, InitiativeLinks initiatives, FeedNotifier notifier)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<OfferView> CreateAsync(CallerIdentity caller, OfferContent content, CancellationToken ct)
    {
        var owner = await members.RequireActiveWithUnionsAsync(caller.OrganizationId, content.Rights.AutoApproveUnionIds, ct);
        if (content.InitiativeIds.Count > 0)
        {
            await initiatives.RequireSignatoryAsync(owner, content.InitiativeIds, ct);
        }

        var offer = Offer.Create(Ids.NewOfferId(), owner, content, Now);
        db.Offers.Add(offer);
        db.RecordAudit(caller, ExchangeAuditActions.OfferCreated, $"{offer.Type} draft", Now, ExchangeAuditActions.Of(offer));
        await db.SaveChangesAsync(ct);
        return new OfferView(offer.Snapshot(), []);
    }

    /// <summary>
    /// The offer (or one of its past versions) if the caller may see it. The current version comes with its
    /// renditions in one round trip, untracked, from a compiled query.
    /// </summary>
    public async Task<OfferView> GetAsync(CallerIdentity caller, string id, long version, CancellationToken ct)
    {
        var found = await FindWithRenditions.ExecuteAsync(db, id, ct);
        if (found is null || !caller.MaySee(found.Offer))
        {
            throw new ResourceNotFoundException("Offer", id);
        }

        if (version == 0 || version == found.Offer.ContentVersion)
        {
            return new OfferView(found.Offer.Snapshot(), found.Renditions);
        }

        var past = await db.OfferVersions.AsNoTracking().SingleOrDefaultAsync(v => v.OfferId == id && v.ContentVersion == version, ct)
            ?? throw new ResourceNotFoundException("Offer version", $"{id}@{version}");
        return new OfferView(past.Snapshot, []);
    }

    public async Task<PageResult<OfferView>> ListAsync(CallerIdentity caller, string ownerId, OfferState? state, PageRequest page, string fingerprint, CancellationToken ct)
    {
        IQueryable<Offer> rows = db.Offers.AsNoTracking().Where(o => o.OwnerId == ownerId);
        if (!caller.MayActFor(ownerId))
        {
            rows = rows.Where(o => o.State != OfferState.Draft);
        }

        if (state is { } s)
        {
            rows = rows.Where(o => o.State == s);
        }

        if (page.After is { } after)
        {
            rows = rows.Where(o => o.Id.CompareTo(after.Id) < 0);
        }

        var fetched = await rows.OrderByDescending(o => o.Id).Take(page.PageSize + 1).ToListAsync(ct);
        var result = PageResult.From(fetched, page, fingerprint, o => new PageCursor(string.Empty, o.Id));
        return new PageResult<OfferView>(await ViewsAsync(result.Items, ct), result.NextPageToken);
    }

    public async Task<OfferView> UpdateAsync(CallerIdentity caller, string id, string? etag, Func<OfferContent, OfferContent> change, CancellationToken ct)
    {
        var offer = await FindForChangeAsync(caller, id, etag, "edit an offer", ct);
        offer.RequireDraft("edited (use CorrectOffer for a published offer)");
        var content = change(offer.Content);
        await CheckLinksAsync(offer, offer.Content, content, ct);
        offer.Edit(content, Now);
        db.RecordAudit(caller, ExchangeAuditActions.OfferUpdated, "draft edited", Now, ExchangeAuditActions.Of(offer));
        await db.SaveChangesAsync(ct);
        return await ViewAsync(offer, ct);
    }

    public async Task<OfferView> PublishAsync(CallerIdentity caller, string id, string? etag, CancellationToken ct)
    {
        var offer = await FindForChangeAsync(caller, id, etag, "publish an offer", ct);
        offer.RequireDraft("published");

        var owner = await members.RequireActiveWithUnionsAsync(offer.OwnerId, offer.Content.Rights.AutoApproveUnionIds, ct);
        if (offer.Content.InitiativeIds.Count > 0)
        {
            await initiatives.RequireSignatoryAsync(owner, offer.Content.InitiativeIds, ct);
        }

        var now = Now;
        offer.Publish(owner, now);
        db.OfferVersions.Add(new OfferVersion(offer.Snapshot()));
        db.OfferEvents.Add(OfferEvent.For(offer, FeedEventType.New, string.Empty, now));
        db.RecordAudit(caller, ExchangeAuditActions.OfferPublished, $"Draft -> Offered, version {offer.ContentVersion}", now,
            [.. ExchangeAuditActions.Of(offer), AuditSubject.OfferVersion(offer.Id, offer.ContentVersion)]);
        await SaveWithEventAsync(offer.Id, ct);
        return await ViewAsync(offer, ct);
    }

    public async Task<OfferView> CorrectAsync(CallerIdentity caller, string id, string? etag, string note, Func<OfferContent, OfferContent> change, CancellationToken ct)
    {
        var offer = await FindForChangeAsync(caller, id, etag, "correct an offer", ct);
        offer.RequirePublished("corrected");

        var content = change(offer.Content);
        var owner = await members.RequireActiveWithUnionsAsync(offer.OwnerId, content.Rights.AutoApproveUnionIds, ct);
        var added = content.InitiativeIds.Except(offer.Content.InitiativeIds, StringComparer.Ordinal).ToArray();
        if (added.Length > 0)
        {
            await initiatives.RequireSignatoryAsync(owner, added, ct);
        }

        var now = Now;
        offer.Correct(content, note, owner, now);
        db.OfferVersions.Add(new OfferVersion(offer.Snapshot()));
        db.OfferEvents.Add(OfferEvent.For(offer, FeedEventType.Corrected, note, now));
        db.RecordAudit(caller, ExchangeAuditActions.OfferCorrected, $"version {offer.ContentVersion}; note: {note}", now,
            [.. ExchangeAuditActions.Of(offer), AuditSubject.OfferVersion(offer.Id, offer.ContentVersion)]);
        await SaveWithEventAsync(offer.Id, ct);
        return await ViewAsync(offer, ct);
    }

    public async Task<OfferView> WithdrawAsync(CallerIdentity caller, string id, string? etag, string reason, CancellationToken ct)
    {
        var offer = await FindForChangeAsync(caller, id, etag, "withdraw an offer", ct);
        var now = Now;
        var from = offer.State;
        offer.Withdraw(reason, now);
        db.OfferEvents.Add(OfferEvent.For(offer, FeedEventType.Withdrawn, reason, now));
        await SaveWithEventAsync(offer.Id, ct, async () =>
        {
            var closed = await ClosePendingRequestsAsync(offer.Id, $"The offer was withdrawn: {reason}", now, ct);
            db.RecordAudit(caller, ExchangeAuditActions.OfferWithdrawn,
                $"{from} -> {offer.State}; {closed.Count} pending request(s) closed; reason: {reason}", now,
                [.. ExchangeAuditActions.Of(offer), .. closed.SelectMany(ExchangeAuditActions.Of)]);
        });
        return await ViewAsync(offer, ct);
    }

    /// <summary>Kills the offer and every licence of it; the kill event reaches licensees through the feed.</summary>
    public async Task<OfferView> KillAsync(CallerIdentity caller, string id, string? etag, string reason, CancellationToken ct)
    {
        // Under the offer's lock, as grants are: no licence can be granted between reading the active
        // licences and killing them, and a grant waiting for the lock then sees the offer killed.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.LockOfferAsync(id, ct);
        var offer = await FindForChangeAsync(caller, id, etag, "kill an offer", ct);
        var now = Now;
        var from = offer.State;
        offer.Kill(reason, now);
        var licences = await db.Licences.Where(l => l.OfferId == id && l.State == LicenceState.Active).ToListAsync(ct);
        foreach (var licence in licences)
        {
            licence.Kill();
        }

        var closed = await ClosePendingRequestsAsync(id, $"The offer was killed: {reason}", now, ct);
        db.OfferEvents.Add(OfferEvent.For(offer, FeedEventType.Killed, reason, now));
        db.RecordAudit(caller, ExchangeAuditActions.OfferKilled,
            $"{from} -> {offer.State}; {licences.Count} licence(s) killed, {closed.Count} pending request(s) closed; reason: {reason}", now,
            [.. ExchangeAuditActions.Of(offer), .. licences.SelectMany(ExchangeAuditActions.Of), .. closed.SelectMany(ExchangeAuditActions.Of)]);
        await db.PrepareEventAppendAsync(ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        notifier.Signal();
        return await ViewAsync(offer, ct);
    }

    public async Task<PageResult<OfferSnapshot>> ListVersionsAsync(CallerIdentity caller, string id, PageRequest page, string fingerprint, CancellationToken ct)
    {
        await FindVisibleAsync(caller, id, ct);
        IQueryable<OfferVersion> rows = db.OfferVersions.AsNoTracking().Where(v => v.OfferId == id);
        if (page.After is { } after && long.TryParse(after.SortKey, out var before))
        {
            rows = rows.Where(v => v.ContentVersion < before);
        }

        var fetched = await rows.OrderByDescending(v => v.ContentVersion).Take(page.PageSize + 1).ToListAsync(ct);
        var result = PageResult.From(fetched, page, fingerprint,
            v => new PageCursor(v.ContentVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), v.OfferId));
        return new PageResult<OfferSnapshot>(result.Items.Select(v => v.Snapshot).ToArray(), result.NextPageToken);
    }

    /// <summary>The offer if the caller may see it (<see cref="OfferAccess"/>); NOT_FOUND otherwise.</summary>
    public async Task<Offer> FindVisibleAsync(CallerIdentity caller, string id, CancellationToken ct)
    {
        var offer = await db.Offers.Include(o => o.Tags).SingleOrDefaultAsync(o => o.Id == id, ct);
        if (!caller.MaySee(offer))
        {
            throw new ResourceNotFoundException("Offer", id);
        }

        return offer!;
    }

    private async Task<Offer> FindForChangeAsync(CallerIdentity caller, string id, string? etag, string action, CancellationToken ct)
    {
        var offer = await FindVisibleAsync(caller, id, ct);
        if (!caller.MayActFor(offer.OwnerId))
        {
            throw new PermissionDeniedException($"Only the offer's owner or a coordinator may {action}.");
        }

        if (!Etag.Matches(etag, offer.Version))
        {
            throw new EtagMismatchException("Offer", id);
        }

        return offer;
    }

    private async Task CheckLinksAsync(Offer offer, OfferContent before, OfferContent after, CancellationToken ct)
    {
        var added = after.InitiativeIds.Except(before.InitiativeIds, StringComparer.Ordinal).ToArray();
        var unionsChanged = !after.Rights.AutoApproveUnionIds.SequenceEqual(before.Rights.AutoApproveUnionIds);
        if (added.Length == 0 && !unionsChanged)
        {
            return;
        }

        var owner = await members.RequireActiveWithUnionsAsync(offer.OwnerId, after.Rights.AutoApproveUnionIds, ct);
        if (added.Length > 0)
        {
            await initiatives.RequireSignatoryAsync(owner, added, ct);
        }
    }

    /// <summary>
    /// Saves an offer change and its feed event in one transaction under the offer's lock (a grant being
    /// judged on the old terms finishes first; the offer's etag refuses a change made meanwhile) and the
    /// event log's append order. The calls to other services happened before: no lock is held across them.
    /// </summary>
    private async Task SaveWithEventAsync(string offerId, CancellationToken ct, Func<Task>? underLock = null)
    {
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            await db.LockOfferAsync(offerId, ct);
            if (underLock is not null)
            {
                await underLock();
            }

            await db.PrepareEventAppendAsync(ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }

        notifier.Signal();
    }

    /// <summary>Under the offer's lock, so no request judged before the change can stay pending after it.</summary>
    private async Task<IReadOnlyList<ContentRequest>> ClosePendingRequestsAsync(string offerId, string reason, DateTime now, CancellationToken ct)
    {
        var pending = await db.ContentRequests.Where(r => r.OfferId == offerId && r.State == ContentRequestState.Pending).ToListAsync(ct);
        foreach (var request in pending)
        {
            request.CloseWithOffer(reason, now);
        }

        return pending;
    }

    private async Task<OfferView> ViewAsync(Offer offer, CancellationToken ct)
    {
        var renditions = await db.Renditions.AsNoTracking().Where(r => r.OfferId == offer.Id).OrderBy(r => r.CreateTime).ThenBy(r => r.Id).ToListAsync(ct);
        return new OfferView(offer.Snapshot(), renditions);
    }

    private sealed record OfferWithRenditions(Offer Offer, List<Rendition> Renditions);

    private static readonly CompiledQueryPerModel<ExchangeDbContext, string, OfferWithRenditions?> FindWithRenditions = new((ExchangeDbContext db, string id, CancellationToken ct) => db.Offers.AsNoTracking()
            .Where(o => o.Id == id)
            .Select(o => new OfferWithRenditions(o, db.Renditions.Where(r => r.OfferId == o.Id).OrderBy(r => r.CreateTime).ThenBy(r => r.Id).ToList()))
            .FirstOrDefault());

    /// <summary>Views of several offers with their renditions, in the given order, in one query.</summary>
    public async Task<IReadOnlyList<OfferView>> ViewsAsync(IReadOnlyList<Offer> offers, CancellationToken ct)
    {
        var ids = offers.Select(o => o.Id).ToArray();
        var renditions = (await db.Renditions.AsNoTracking().Where(r => ids.Contains(r.OfferId)).ToListAsync(ct))
            .GroupBy(r => r.OfferId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<Rendition>)g.OrderBy(r => r.CreateTime).ThenBy(r => r.Id, StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
        return offers.Select(o => new OfferView(o.Snapshot(), renditions.GetValueOrDefault(o.Id, []))).ToArray();
    }
}
