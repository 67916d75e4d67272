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

    public OfferTag(string offerId, string kind, string value)
    {
        OfferId = offerId;
        Kind = kind;
        Value = value;
    }

    public string OfferId { get; private set; } = string.Empty;
    public string Kind { get; private set; } = string.Empty;
    public string Value { get; private set; } = string.Empty;

    /// <summary>The tag value standing for a whole region in territory lists.</summary>
    public static string RegionValue(Common.Geography.WorldRegion region) => "region:" + (int)region;
}
