using MediaMesh.Exchange.Domain;

namespace MediaMesh.Exchange.Application;

/// <summary>An offer as callers see it: a snapshot (current or past version) and its renditions.</summary>
public sealed record OfferView(OfferSnapshot Offer, IReadOnlyList<Rendition> Renditions);
