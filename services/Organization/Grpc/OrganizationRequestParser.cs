using MediaMesh.Common.Geography;
using MediaMesh.Common.Languages;
using MediaMesh.Common.Validation;
using MediaMesh.Organizations.Application;
using MediaMesh.Organizations.Domain;
using V1 = MediaMesh.Contracts.Organization.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;

namespace MediaMesh.Organizations.Grpc;

/// <summary>Turns request messages into validated, normalised domain input, naming every bad field.</summary>
internal static class OrganizationRequestParser
{
    public static readonly IReadOnlySet<string> UpdatableFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "names", "short_name", "country_code", "working_languages", "website", "contact_email",
    };

    public static List<LocalizedName> ParseNames(IReadOnlyCollection<CommonV1.LocalizedText> names, string field, RequestValidator v)
    {
        var result = new List<LocalizedName>();
        if (!v.WithinCount(names.Count, RepeatedFieldLimits.Texts, field))
        {
            return result;
        }

        var index = 0;
        foreach (var name in names)
        {
            var at = $"{field}[{index++}]";
            if (!LanguageTag.IsValid(name.Language))
            {
                v.Add($"{at}.language", "must be a BCP 47 language tag such as \"en\" or \"pt-BR\"");
                continue;
            }

            v.Required(name.Text, $"{at}.text").MaxLength(name.Text, 200, $"{at}.text");
            result.Add(new LocalizedName(LanguageTag.Normalize(name.Language), name.Text.Trim(), name.Original));
        }

        v.Check(index > 0, field, "at least one name is required");
        v.Check(result.Count(n => n.Original) <= 1, field, "at most one name may be marked original");
        v.Check(result.Select(n => n.Language).Distinct(StringComparer.OrdinalIgnoreCase).Count() == result.Count, field, "one name per language");
        return result;
    }

    public static List<string> ParseLanguages(IReadOnlyCollection<string> tags, string field, RequestValidator v)
    {
        if (!v.WithinCount(tags.Count, RepeatedFieldLimits.Languages, field))
        {
            return [];
        }

        var result = v.LanguageTags(tags, field);
        v.Check(tags.Count > 0, field, "at least one working language is required");
        return [.. result];
    }

    public static string ParseCountry(string code, string field, RequestValidator v)
    {
        var normalized = Countries.Normalize(code);
        v.Check(Countries.IsValid(normalized), field, "must be an ISO 3166-1 alpha-2 country code such as \"KE\"");
        return normalized;
    }

    public static string ParseWebsite(string website, string field, RequestValidator v)
    {
        var trimmed = website.Trim();
        v.Check(trimmed.Length == 0 || (Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"),
            field, "must be an absolute http or https URL");
        v.MaxLength(trimmed, 500, field);
        return trimmed;
    }

    public static string ParseEmail(string email, string field, RequestValidator v)
    {
        var trimmed = email.Trim();
        v.Check(trimmed.Length == 0 || (trimmed.Length <= 254 && trimmed.IndexOf('@', StringComparison.Ordinal) is > 0 and var at && at < trimmed.Length - 1 && !trimmed.Contains(' ', StringComparison.Ordinal)),
            field, "must be an e-mail address");
        return trimmed;
    }

    /// <summary>Parses every descriptive field of <paramref name="o"/> (create, or update with the fields in the mask).</summary>
    public static OrganizationDescription ParseDescription(V1.Organization o, string prefix, RequestValidator v, OrganizationDescription? current = null, IReadOnlySet<string>? mask = null)
    {
        bool Wanted(string f) => mask is null || mask.Contains(f);
        var names = Wanted("names") ? ParseNames(o.Names, $"{prefix}.names", v) : [.. current!.Names];
        var shortName = Wanted("short_name") ? o.ShortName.Trim() : current!.ShortName;
        v.MaxLength(shortName, 32, $"{prefix}.short_name");
        var country = Wanted("country_code") ? ParseCountry(o.CountryCode, $"{prefix}.country_code", v) : current!.CountryCode;
        var languages = Wanted("working_languages") ? ParseLanguages(o.WorkingLanguages, $"{prefix}.working_languages", v) : [.. current!.WorkingLanguages];
        var website = Wanted("website") ? ParseWebsite(o.Website, $"{prefix}.website", v) : current!.Website;
        var email = Wanted("contact_email") ? ParseEmail(o.ContactEmail, $"{prefix}.contact_email", v) : current!.ContactEmail;
        return new OrganizationDescription(names, shortName, country, languages, website, email);
    }

    public static OrganizationKind? ParseKind(V1.OrganizationKind kind) =>
        kind == V1.OrganizationKind.Unspecified || !Enum.IsDefined(kind) ? null : (OrganizationKind)kind;

    public static OrganizationStatus? ParseStatus(V1.OrganizationStatus status) =>
        status == V1.OrganizationStatus.Unspecified || !Enum.IsDefined(status) ? null : (OrganizationStatus)status;

    public static OrganizationRole? ParseRole(V1.OrganizationRole role) =>
        role == V1.OrganizationRole.Unspecified || !Enum.IsDefined(role) ? null : (OrganizationRole)role;

    public static WorldRegion? ParseRegion(CommonV1.Region region) =>
        region == CommonV1.Region.Unspecified || !Enum.IsDefined(region) ? null : (WorldRegion)region;

    public static UnionMembershipState? ParseMembershipState(V1.UnionMembershipState state) =>
        state == V1.UnionMembershipState.Unspecified || !Enum.IsDefined(state) ? null : (UnionMembershipState)state;
}
