namespace MediaMesh.Exchange.Domain;

/// <summary>
/// One searchable value of an offer (a language, subject, genre, owner union, initiative, allowed or
/// denied territory), kept in an indexed side table so catalogue filters on list-valued fields do
/// not scan every offer.
/// </summary>
public sealed class OfferTag
{
    public const string Language = "lang";
    public const string Subject = "subject";
    public const string Genre = "genre";
    public const string Union = "union";
    public const string Initiative = "initiative";
    public const string Allowed = "allow";
    public const string Denied = "deny";

    private OfferTag()
    {
    }

    public OfferTag(string offerId, string kind, string value, DateTime updateTime)
    {
        OfferId = offerId;
        Kind = kind;
        Value = value;
        UpdateTime = updateTime;
    }

    public string OfferId { get; private set; } = string.Empty;
    public string Kind { get; private set; } = string.Empty;
    public string Value { get; private set; } = string.Empty;

    /// <summary>
    /// A copy of the offer's <see cref="Offer.UpdateTime"/>, the catalogue's sort key: indexed with Kind and
    /// Value, a filtered page is read off the index in page order instead of sorting every match.
    /// </summary>
    public DateTime UpdateTime { get; private set; }

    internal void Stamp(DateTime updateTime) => UpdateTime = updateTime;

    /// <summary>The tag value standing for a whole region in territory lists.</summary>
    public static string RegionValue(Common.Geography.WorldRegion region) => "region:" + (int)region;
}
