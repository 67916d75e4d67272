namespace MediaMesh.Common.Validation;

/// <summary>
/// The most entries a repeated field of a request may hold (README "Calling MediaMesh / Limits of
/// repeated fields"); beyond it the request is INVALID_ARGUMENT with a field violation. Each bound
/// leaves room above what the domain needs, so no honest request meets it.
/// </summary>
public static class RepeatedFieldLimits
{
    /// <summary>Texts of one field, one per language (headlines, names, titles, charter, objective texts).</summary>
    public const int Texts = 50;

    /// <summary>Descriptions of an offer (several roles per language).</summary>
    public const int Descriptions = 100;

    /// <summary>Language tags (audio, subtitle, working and feed-filter languages).</summary>
    public const int Languages = 50;

    /// <summary>Country codes: every ISO 3166-1 country once.</summary>
    public const int Countries = 250;

    /// <summary>Values of a small enum (regions, uses, offer types), each at most once with room to spare.</summary>
    public const int EnumValues = 20;

    /// <summary>IPTC Media Topic codes of an offer or a feed filter.</summary>
    public const int Subjects = 100;

    /// <summary>Genres of an offer.</summary>
    public const int Genres = 50;

    /// <summary>Organisation, union or initiative ids named in one request (proposers, partners, auto-approve unions, linked initiatives).</summary>
    public const int Ids = 100;

    /// <summary>Objectives of an initiative.</summary>
    public const int Objectives = 50;

    /// <summary>Paths of an update_mask.</summary>
    public const int MaskPaths = 50;

    /// <summary>Ids of one BatchGetOrganizations call (services send larger lists in chunks).</summary>
    public const int BatchIds = 500;
}
