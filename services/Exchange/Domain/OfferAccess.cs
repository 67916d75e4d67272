using MediaMesh.ServiceDefaults.Identity;

namespace MediaMesh.Exchange.Domain;

/// <summary>
/// Who may see an offer and everything under it (versions, renditions, media, requests, usage). A draft
/// is visible only to its owner and to coordinators: anyone else gets NOT_FOUND on every RPC, reads
/// and writes alike, with the message an id that does not exist gets. Changes are for the owner and
/// coordinators; anyone else who can see the offer gets PERMISSION_DENIED. The order of checks on a
/// change is: exists and visible → may change → etag → state.
/// </summary>
public static class OfferAccess
{
    public static bool MaySee(this CallerIdentity caller, string ownerId, OfferState state) =>
        state != OfferState.Draft || caller.MayActFor(ownerId);

    public static bool MaySee(this CallerIdentity caller, Offer? offer) =>
        offer is not null && caller.MaySee(offer.OwnerId, offer.State);
}
