using MediaMesh.Common.Audit;
using MediaMesh.Common.Errors;
using MediaMesh.Exchange.Domain;
using MediaMesh.Exchange.Persistence;
using MediaMesh.MediaStore;
using MediaMesh.ServiceDefaults.Audit;
using MediaMesh.ServiceDefaults.Identity;
using Microsoft.EntityFrameworkCore;

namespace MediaMesh.Exchange.Application;

/// <summary>
/// Renditions: declared on an offer, filled by resumable uploads into the media store, verified,
/// and streamed back to the owner or a licensee after the rights are checked at download time.
/// The store is the truth about bytes held; the row follows it. Declarations, verified uploads and
/// deletions are audited with their change; every authorised download start is audited on its own.
/// </summary>
public sealed class MediaLibrary(ExchangeDbContext db, TimeProvider clock, IMediaStore store, ChunkedUpload upload, ChunkedDownload download)
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
    /// mismatch marks the rendition FAILED, drops its bytes and is DATA_LOSS.
    /// </summary>
    public async Task<Rendition> UploadAsync(CallerIdentity caller, string id, long offset, IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, CancellationToken ct)
    {
        var (rendition, offer) = await FindAsync(caller, id, ct);
        RequireOwner(caller, offer, "upload renditions");
        if (offer.State == OfferState.Killed)
        {
            throw new PreconditionFailedException($"Offer '{offer.Id}' was killed; no uploads are accepted.", "STATE", offer.Id);
        }

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
            await store.DeleteAsync(key, ct);
        }
        UploadResult result;
        try
        {
            result = await upload.WriteAsync(key, rendition.SizeBytes, rendition.Sha256, offset, chunks, ct);
        }
        finally
        {
            // A broken stream still leaves every appended byte held: record them for the resume.
            rendition.Received(await store.GetHeldBytesAsync(key, CancellationToken.None));
            await db.SaveChangesAsync(CancellationToken.None);
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

    /// <summary>Checks the rights at this moment and opens the bytes from <paramref name="offset"/>.</summary>
    public async Task<(Rendition Rendition, IAsyncEnumerable<(long Offset, ReadOnlyMemory<byte> Data)> Chunks)> DownloadAsync(
        CallerIdentity caller, string id, long offset, int chunkSize, CancellationToken ct)
    {
        var (rendition, offer) = await FindAsync(caller, id, ct);
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

        return (rendition, download.ReadAsync(ObjectKey(id), offset, chunkSize, ct));
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
        if (offer.State == OfferState.Draft && !caller.MayActFor(offer.OwnerId))
        {
            throw new ResourceNotFoundException("Rendition", id);
        }

        return (rendition, offer);
    }

    private async Task<Offer> FindOfferAsync(CallerIdentity caller, string offerId, CancellationToken ct)
    {
        var offer = await db.Offers.AsNoTracking().SingleOrDefaultAsync(o => o.Id == offerId, ct) ?? throw new ResourceNotFoundException("Offer", offerId);
        if (offer.State == OfferState.Draft && !caller.MayActFor(offer.OwnerId))
        {
            throw new ResourceNotFoundException("Offer", offerId);
        }

        return offer;
    }

    private static void RequireOwner(CallerIdentity caller, Offer offer, string action)
    {
        if (!caller.MayActFor(offer.OwnerId))
        {
            throw new PermissionDeniedException($"Only the offer's owner or a coordinator may {action}.");
        }
    }
}
