using MediaMesh.Organizations.Domain;

namespace MediaMesh.Organizations.Application;

/// <summary>The descriptive, member-editable fields of an organisation, already validated and normalised.</summary>
public sealed record OrganizationDescription(
    IReadOnlyList<LocalizedName> Names,
    string ShortName,
    string CountryCode,
    IReadOnlyList<string> WorkingLanguages,
    string Website,
    string ContactEmail)
{
    public static OrganizationDescription Of(Organization o) =>
        new(o.Names, o.ShortName, o.CountryCode, o.WorkingLanguages, o.Website, o.ContactEmail);
}

/// <summary>Filters of the directory listing; unset members match everything.</summary>
public sealed record DirectoryQuery(
    Common.Geography.WorldRegion? Region,
    string? CountryCode,
    string? UnionId,
    OrganizationKind? Kind,
    OrganizationStatus? Status,
    string? Text)
{
    public string Fingerprint => $"{Region}|{CountryCode}|{UnionId}|{Kind}|{Status}|{Text}";
}

/// <summary>An organisation together with the unions it is an approved member of.</summary>
public sealed record OrganizationView(Organization Organization, IReadOnlyList<string> UnionIds);

/// <summary>What the gateway learns from a presented key.</summary>
public sealed record ResolvedKey(string ApiKeyId, string OrganizationId, OrganizationRole Role, OrganizationStatus Status, DateTime? ExpireTime);

/// <summary>An authenticated caller's standing now: its organisation (with unions) and whether the key it presented is still usable.</summary>
public sealed record CallerStanding(OrganizationView Organization, bool ApiKeyActive);
