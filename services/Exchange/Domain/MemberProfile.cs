using MediaMesh.Common.Geography;

namespace MediaMesh.Exchange.Domain;

/// <summary>
/// What the exchange needs to know about an organisation, as the organization service said at the
/// time of a write. Kept on offers, requests and licences so search and statistics run locally.
/// </summary>
public sealed record MemberProfile(string Id, string CountryCode, WorldRegion Region, IReadOnlyList<string> UnionIds);
