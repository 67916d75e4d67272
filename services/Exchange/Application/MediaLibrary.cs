using MediaMesh.Common.Audit;
using MediaMesh.Common.Errors;
using MediaMesh.Exchange.Domain;
using MediaMesh.Exchange.Persistence;
using MediaMesh.MediaStore;
using MediaMesh.ServiceDefaults;
using MediaMesh.ServiceDefaults.Audit;
using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.ServiceDefaults.LongCalls;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using System.Runtime.CompilerServices;

namespace MediaMesh.Exchange.Application;

/// <summary>
/// Renditions: declared on an offer, filled by resumable uploads into the media store, verified,
/// and streamed back to the owner or a licensee after the rights are checked at download time.
/// The store is the truth about bytes held; the row follows it. Declarations, verified uploads and
/// deletions are audited with their change; every authorised download start is audited on its own.
/// </summary>
public sealed class MediaLibrary(
    ExchangeDbContext db, TimeProvider clock, IMediaStore store, ChunkedUpload upload, ChunkedDownload download, CallerStandings standings, IOptions<ExchangeOptions> options,
    ServiceInstance instance)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public static string ObjectKey(string renditionId) => "renditions/" + renditionId;

    public async Task<Rendition> CreateAsync(CallerIdentity caller, string offerId, RenditionDescription description, CancellationToken ct)
    {
        var offer = await FindOfferAsync(caller, offerId, ct);
        RequireOwner(caller, offer, "add renditions");
        if (offer.State == OfferState.Killed)
        {
            throw new PreconditionFailedException($"Offer '{offerId}' was killed; no renditions can be added.", "STATE", offerId);
        }

        upload.ValidateDeclaration(description.SizeBytes, description.Sha256, "rendition.size_bytes", "rendition.sha256");
        var rendition = Rendition.Declare(Ids.NewRenditionId(), offerId, description with { Sha256 = description.Sha256.ToLowerInvariant() }, Now);
        db.Renditions.Add(rendition);
        db.RecordAudit(caller, ExchangeAuditActions.RenditionCreated, $"{rendition.SizeBytes} bytes declared", Now, ExchangeAuditActions.Of(rendition, offer));
        await db.SaveChangesAsync(ct);
        return rendition;
    }

    public async Task<Rendition> GetAsync(CallerIdentity caller, string id, CancellationToken ct)
    {
        var (rendition, _) = await FindAsync(caller, id, ct);
        db.Entry(rendition).State = EntityState.Detached;
        var held = await store.GetHeldBytesAsync(ObjectKey(id), ct);
        if (rendition.State == RenditionState.Uploading && held != rendition.ReceivedBytes)
        {
            // Report what the store holds (an upload may still be recording it); the upload itself saves the row.
            rendition.Received(held);
        }

        return rendition;
    }

    /// <summary>
    /// Appends the chunks at <paramref name="offset"/>. Whatever happens to the stream, the bytes that
    /// arrived stay held and the row records them, so the member resumes from there. A checksum
    /// mismatch marks the rendition FAILED, drops its bytes and is DATA_LOSS. One upload at a time per
    /// rendition (<see cref="UploadLease"/>): another one is refused with FAILED_PRECONDITION before it
    /// touches the bytes or the row, and a restart of a FAILED rendition deletes the bytes only under the lease.
    /// </summary>
    public async Task<Rendition> UploadAsync(CallerIdentity caller, string id, long offset, IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, CancellationToken ct)
    {
        var (rendition, offer) = await FindAsync(caller, id, ct);
        RequireOwner(caller, offer, "upload renditions");
        if (offer.State == OfferState.Killed)
        {
            throw new PreconditionFailedException($"Offer '{offer.Id}' was killed; no uploads are accepted.", "STATE", offer.Id);
        }

        var lease = await UploadLease.TakeAsync(db, id, options.Value.UploadLease, clock, instance, ct);
        try
        {
            // Read again under the lease: an upload that held it before may have changed the row.
            await db.Entry(rendition).ReloadAsync(ct);
            return await UploadUnderLeaseAsync(caller, rendition, offer, lease, offset, chunks, ct);
        }
        finally
        {
            await lease.ReleaseAsync();
        }
    }

    private async Task<Rendition> UploadUnderLeaseAsync(
        CallerIdentity caller, Rendition rendition, Offer offer, UploadLease lease, long offset, IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, CancellationToken ct)
    {
        var id = rendition.Id;
        var key = ObjectKey(id);
        if (rendition.State == RenditionState.Uploading)
        {
            var held = await store.GetHeldBytesAsync(key, ct);
            if (held != rendition.ReceivedBytes)
            {
                rendition.Received(held);
            }
        }

        var restart = rendition.State == RenditionState.Failed;
        rendition.BeginUpload(offset);
        if (restart)
        {
            // Under the lease: no other upload's bytes are deleted; the row says UPLOADING from here on.
            await store.DeleteAsync(key, ct);
            await db.SaveChangesAsync(ct);
        }

        UploadResult result;
        var stillHeld = false;
        try
        {
            result = await upload.WriteAsync(key, rendition.SizeBytes, rendition.Sha256, offset, lease.Guard(chunks, ct), ct);
        }
        finally
        {
            // A broken stream still leaves every appended byte held: record them for the resume — unless
            // this upload stalled and another one took over: the row is then that upload's to write.
            stillHeld = await lease.RenewAsync(CancellationToken.None);
            if (stillHeld)
            {
                rendition.Received(await store.GetHeldBytesAsync(key, CancellationToken.None));
                await db.SaveChangesAsync(CancellationToken.None);
            }
        }

        if (!stillHeld)
        {
            throw lease.TakenOver();
        }

        if (result.Outcome == UploadOutcome.Incomplete)
        {
            return rendition;
        }

        var intact = result.Outcome == UploadOutcome.Complete;
        rendition.Verified(intact, Now);
        if (!intact)
        {
            await store.DeleteAsync(key, CancellationToken.None);
            rendition.Received(0);
        }

        db.RecordAudit(caller, intact ? ExchangeAuditActions.RenditionCompleted : ExchangeAuditActions.RenditionFailed,
            intact ? $"{rendition.SizeBytes} bytes verified" : "size or SHA-256 mismatch; bytes dropped", Now, ExchangeAuditActions.Of(rendition, offer));
        await db.SaveChangesAsync(CancellationToken.None);
        if (!intact)
        {
            throw new DataIntegrityException(
                $"The bytes of rendition '{id}' do not match the declared size and SHA-256; it is marked FAILED. Upload it again from offset 0.");
        }

        return rendition;
    }

    /// <summary>
    /// Checks the rights at this moment and opens the bytes from <paramref name="offset"/>. While the
    /// bytes stream, the rights are judged again (<see cref="RequireDownloadAllowedAsync"/>) every
    /// re-check interval and every few chunks, and the caller's standing every interval
    /// (<see cref="CallerStandings"/>): a kill, an expiry or a licence that ends stops the download
    /// with the refusal a new download would get.
    /// </summary>
    public async Task<(Rendition Rendition, IAsyncEnumerable<(long Offset, ReadOnlyMemory<byte> Data)> Chunks)> DownloadAsync(
        CallerIdentity caller, string id, long offset, int chunkSize, CancellationToken ct)
    {
        var (rendition, offer) = await FindAsync(caller, id, ct);
        await RequireDownloadAllowedAsync(caller, offer, ct);

        if (rendition.State != RenditionState.Complete)
        {
            throw new PreconditionFailedException($"Rendition '{id}' is not complete yet; it cannot be downloaded.", "STATE", id);
        }

        if (offset < 0 || offset > rendition.SizeBytes)
        {
            throw ValidationFailedException.For("offset", $"must be between 0 and the size ({rendition.SizeBytes})");
        }

        // A read, but an audited one: who took which rendition of which version, with which key, from where.
        db.RecordAudit(caller, ExchangeAuditActions.RenditionDownloaded, $"from byte {offset} of {rendition.SizeBytes}", Now,
            [.. ExchangeAuditActions.Of(rendition, offer), AuditSubject.OfferVersion(offer.Id, offer.ContentVersion)]);
        await db.SaveChangesAsync(ct);

        return (rendition, RecheckedAsync(caller, offer.Id, download.ReadAsync(ObjectKey(id), offset, chunkSize, ct), ct));
    }

    private async IAsyncEnumerable<(long Offset, ReadOnlyMemory<byte> Data)> RecheckedAsync(
        CallerIdentity caller, string offerId, IAsyncEnumerable<(long Offset, ReadOnlyMemory<byte> Data)> chunks, [EnumeratorCancellation] CancellationToken ct)
    {
        var settings = options.Value;
        var standing = standings.Recheck(caller);
        var rights = new PeriodicRecheck(
            async c => await RequireDownloadAllowedAsync(caller, await db.Offers.AsNoTracking().SingleAsync(o => o.Id == offerId, c), c),
            settings.StandingRecheckInterval, TimeSpan.Zero, clock, settings.DownloadRecheckChunks);
        await foreach (var chunk in chunks.WithCancellation(ct))
        {
            await standing.DueAsync(ct);
            await rights.ItemAsync(ct);
            yield return chunk;
        }
    }

    /// <summary>The download rule (<see cref="RightsPolicy.CheckDownload"/>) for the caller now: PERMISSION_DENIED without a licence, FAILED_PRECONDITION otherwise.</summary>
    private async Task RequireDownloadAllowedAsync(CallerIdentity caller, Offer offer, CancellationToken ct)
    {
        var holds = await db.Licences.AsNoTracking()
            .Where(l => l.OfferId == offer.Id && l.LicenseeId == caller.OrganizationId)
            .ToListAsync(ct);
        var decision = RightsPolicy.CheckDownload(OfferTerms.Of(offer), caller.MayActFor(offer.OwnerId), holds.Select(l => l.Hold), Now);
        switch (decision.Refusal)
        {
            case DownloadRefusal.None:
                break;
            case DownloadRefusal.NoLicence:
                throw new PermissionDeniedException(decision.Reason);
            default:
                throw new PreconditionFailedException(decision.Reason, decision.Refusal.ToString().ToUpperInvariant(), offer.Id);
        }
    }

    /// <summary>Deletes an incomplete rendition, or any rendition of a draft, with its bytes.</summary>
    public async Task DeleteAsync(CallerIdentity caller, string id, CancellationToken ct)
    {
        var (rendition, offer) = await FindAsync(caller, id, ct);
        RequireOwner(caller, offer, "delete renditions");
        if (rendition.State == RenditionState.Complete && offer.State != OfferState.Draft)
        {
            throw new PreconditionFailedException(
                "A complete rendition of a published offer cannot be deleted; licensees may rely on it.", "STATE", id);
        }

        db.Renditions.Remove(rendition);
        db.RecordAudit(caller, ExchangeAuditActions.RenditionDeleted, $"{rendition.State}, {rendition.ReceivedBytes} of {rendition.SizeBytes} bytes held", Now,
            ExchangeAuditActions.Of(rendition, offer));
        await db.SaveChangesAsync(ct);
        await store.DeleteAsync(ObjectKey(id), CancellationToken.None);
    }

    private async Task<(Rendition Rendition, Offer Offer)> FindAsync(CallerIdentity caller, string id, CancellationToken ct)
    {
        var rendition = await db.Renditions.SingleOrDefaultAsync(r => r.Id == id, ct) ?? throw new ResourceNotFoundException("Rendition", id);
        var offer = await db.Offers.AsNoTracking().SingleAsync(o => o.Id == rendition.OfferId, ct);
        if (!caller.MaySee(offer))
        {
            throw new ResourceNotFoundException("Rendition", id);
        }

        return (rendition, offer);
    }

    private async Task<Offer> FindOfferAsync(CallerIdentity caller, string offerId, CancellationToken ct)
    {
        var offer = await db.Offers.AsNoTracking().SingleOrDefaultAsync(o => o.Id == offerId, ct);
        if (!caller.MaySee(offer))
        {
            throw new ResourceNotFoundException("Offer", offerId);
        }

        return offer!;
    }

    private static void RequireOwner(CallerIdentity caller, Offer offer, string action)
    {
        if (!caller.MayActFor(offer.OwnerId))
        {
            throw new PermissionDeniedException($"Only the offer's owner or a coordinator may {action}.");
        }
    }
}
