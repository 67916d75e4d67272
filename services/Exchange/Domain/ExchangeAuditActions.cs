using MediaMesh.Common.Audit;

namespace MediaMesh.Exchange.Domain;

/// <summary>The exchange's audit actions and the subjects each names (entries: MediaMesh.Common.Audit.AuditEntry).</summary>
public static class ExchangeAuditActions
{
    public const string OfferCreated = "offer.created";
    public const string OfferUpdated = "offer.updated";
    public const string OfferPublished = "offer.published";
    public const string OfferCorrected = "offer.corrected";
    public const string OfferWithdrawn = "offer.withdrawn";
    public const string OfferKilled = "offer.killed";
    public const string RenditionCreated = "rendition.created";
    public const string RenditionCompleted = "rendition.completed";
    public const string RenditionFailed = "rendition.failed";
    public const string RenditionDeleted = "rendition.deleted";
    public const string RenditionDownloaded = "rendition.downloaded";
    public const string RequestCreated = "request.created";
    public const string RequestApproved = "request.approved";
    public const string RequestDeclined = "request.declined";
    public const string RequestCancelled = "request.cancelled";
    public const string UsageReported = "usage.reported";

    /// <summary>An offer and its owner (so the owner reads the entry as its own).</summary>
    public static IEnumerable<AuditSubject> Of(Offer offer) =>
        [AuditSubject.Offer(offer.Id), AuditSubject.Organization(offer.OwnerId)];

    /// <summary>A request, its offer and both parties.</summary>
    public static IEnumerable<AuditSubject> Of(ContentRequest request) =>
    [
        AuditSubject.ContentRequest(request.Id), AuditSubject.Offer(request.OfferId),
        AuditSubject.Organization(request.OwnerId), AuditSubject.Organization(request.RequesterId),
    ];

    /// <summary>A licence and its licensee.</summary>
    public static IEnumerable<AuditSubject> Of(Licence licence) =>
        [AuditSubject.Licence(licence.Id), AuditSubject.Organization(licence.LicenseeId)];

    /// <summary>A rendition and its offer's owner.</summary>
    public static IEnumerable<AuditSubject> Of(Rendition rendition, Offer offer) =>
        [AuditSubject.Rendition(rendition.Id), .. Of(offer)];
}
