using Google.Protobuf.WellKnownTypes;
using MediaMesh.Common.Geography;
using MediaMesh.Common.Languages;
using MediaMesh.Common.Validation;
using MediaMesh.ServiceDefaults.Grpc;
using MediaMesh.Initiatives.Domain;
using V1 = MediaMesh.Contracts.Initiative.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;

namespace MediaMesh.Initiatives.Grpc;

/// <summary>Turns request messages into validated, normalised domain input, naming every bad field.</summary>
internal static class InitiativeRequestParser
{
    public const int MaxTitleLength = 300;
    public const int MaxCharterLength = 20_000;
    public const int MaxObjectiveLength = 2_000;
    public const int MaxObjectives = RepeatedFieldLimits.Objectives;
    public const int MaxOrganizations = RepeatedFieldLimits.Ids;
    public const int MaxIdLength = 64;

    public static readonly IReadOnlySet<string> UpdatableInitiativeFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "titles", "charter", "objectives", "proposer_ids", "target_regions", "start_time", "end_time",
    };

    public static readonly IReadOnlySet<string> UpdatableActivityFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "kind", "titles", "place", "start_time", "end_time", "partner_ids", "status",
    };

    /// <summary>
    /// Texts in several languages: at least one, one per language, exactly one original. A single
    /// text not marked original is taken as the original (there is nothing it could be a translation of).
    /// </summary>
    public static List<LocalizedText> ParseTexts(IReadOnlyList<CommonV1.LocalizedText> texts, string field, int maxLength, RequestValidator v, bool requireOriginal = true)
    {
        var result = new List<LocalizedText>();
        if (!v.WithinCount(texts.Count, RepeatedFieldLimits.Texts, field))
        {
            return result;
        }

        for (var index = 0; index < texts.Count; index++)
        {
            var text = texts[index];
            var at = $"{field}[{index}]";
            if (!LanguageTag.IsValid(text.Language?.Trim()))
            {
                v.Add($"{at}.language", "must be a BCP 47 language tag such as \"en\", \"ar\" or \"pt-BR\"");
                continue;
            }

            v.Required(text.Text, $"{at}.text").MaxLength(text.Text, maxLength, $"{at}.text");
            result.Add(new LocalizedText(LanguageTag.Normalize(text.Language!), (text.Text ?? string.Empty).Trim(), text.Original));
        }

        v.Check(texts.Count > 0, field, "at least one language is required");
        if (result.Count == 1 && texts.Count == 1 && !result[0].Original)
        {
            result[0] = result[0] with { Original = true };
        }

        var originals = result.Count(t => t.Original);
        v.Check(originals <= 1, field, "exactly one text must be marked original");
        v.Check(!requireOriginal || originals >= 1 || result.Count != texts.Count, field, "exactly one text must be marked original");
        v.Check(result.Select(t => t.Language).Distinct(StringComparer.OrdinalIgnoreCase).Count() == result.Count, field, "one text per language");
        return result;
    }

    public static List<Objective> ParseObjectives(IReadOnlyList<V1.Objective> objectives, string field, RequestValidator v)
    {
        var result = new List<Objective>();
        if (!v.WithinCount(objectives.Count, MaxObjectives, field))
        {
            return result;
        }

        for (var index = 0; index < objectives.Count; index++)
        {
            result.Add(new Objective(ParseTexts(objectives[index].Text, $"{field}[{index}].text", MaxObjectiveLength, v, requireOriginal: false)));
        }

        return result;
    }

    public static List<string> ParseOrganizationIds(IReadOnlyList<string> ids, string field, RequestValidator v, bool required)
    {
        v.Check(!required || ids.Count > 0, field, "at least one organisation id is required");
        var result = new List<string>();
        if (!v.WithinCount(ids.Count, MaxOrganizations, field))
        {
            return result;
        }

        for (var index = 0; index < ids.Count; index++)
        {
            var id = (ids[index] ?? string.Empty).Trim();
            if (id.Length == 0 || id.Length > MaxIdLength)
            {
                v.Add($"{field}[{index}]", "must be an organisation id");
                continue;
            }

            if (result.Contains(id, StringComparer.Ordinal))
            {
                v.Add($"{field}[{index}]", "is listed twice");
                continue;
            }

            result.Add(id);
        }

        return result;
    }

    public static List<WorldRegion> ParseRegions(IReadOnlyList<CommonV1.Region> regions, string field, RequestValidator v)
    {
        var result = new List<WorldRegion>();
        if (!v.WithinCount(regions.Count, RepeatedFieldLimits.EnumValues, field))
        {
            return result;
        }

        for (var index = 0; index < regions.Count; index++)
        {
            if (ParseRegion(regions[index]) is { } region)
            {
                if (!result.Contains(region))
                {
                    result.Add(region);
                }
            }
            else
            {
                v.Add($"{field}[{index}]", "is not a known region");
            }
        }

        return result;
    }

    /// <summary>An optional timestamp; null if unset. Out-of-range values are field violations.</summary>
    public static DateTime? ParseTime(Timestamp? timestamp, string field, RequestValidator v) => v.Timestamp(timestamp, field);

    public static string ParseCountry(string code, string field, RequestValidator v)
    {
        var normalized = Countries.Normalize(code);
        v.Check(Countries.IsValid(normalized), field, "must be an ISO 3166-1 alpha-2 country code such as \"KE\"");
        return normalized;
    }

    /// <summary>Parses an initiative's editable fields (create, or update with the fields in the mask).</summary>
    public static InitiativeContent ParseContent(V1.Initiative i, RequestValidator v, InitiativeContent? current = null, IReadOnlySet<string>? mask = null)
    {
        bool Wanted(string f) => mask is null || mask.Contains(f);
        const string prefix = "initiative";
        var titles = Wanted("titles") ? ParseTexts(i.Titles, $"{prefix}.titles", MaxTitleLength, v) : [.. current!.Titles];
        var charter = Wanted("charter") ? ParseTexts(i.Charter, $"{prefix}.charter", MaxCharterLength, v) : [.. current!.Charter];
        var objectives = Wanted("objectives") ? ParseObjectives(i.Objectives, $"{prefix}.objectives", v) : [.. current!.Objectives];
        var proposers = Wanted("proposer_ids") ? ParseOrganizationIds(i.ProposerIds, $"{prefix}.proposer_ids", v, required: true) : [.. current!.ProposerIds];
        var regions = Wanted("target_regions") ? ParseRegions(i.TargetRegions, $"{prefix}.target_regions", v) : [.. current!.TargetRegions];
        var start = Wanted("start_time") ? ParseTime(i.StartTime, $"{prefix}.start_time", v) : current!.StartTime;
        var end = Wanted("end_time") ? ParseTime(i.EndTime, $"{prefix}.end_time", v) : current!.EndTime;
        if (start is { } s && end is { } e && e <= s)
        {
            v.Add($"{prefix}.end_time", "must be after start_time");
        }

        return new InitiativeContent(titles, charter, objectives, proposers, regions, start, end);
    }

    /// <summary>Parses an activity's editable fields (create, or update with the fields in the mask; status is separate).</summary>
    public static ActivityContent ParseActivity(V1.Activity a, RequestValidator v, ActivityContent? current = null, IReadOnlySet<string>? mask = null)
    {
        bool Wanted(string f) => mask is null || mask.Contains(f);
        const string prefix = "activity";
        var kind = current?.Kind ?? ActivityKind.Screening;
        if (Wanted("kind"))
        {
            var parsed = ParseActivityKind(a.Kind);
            v.Check(parsed is not null, $"{prefix}.kind", "is required");
            kind = parsed ?? kind;
        }

        var titles = Wanted("titles") ? ParseTexts(a.Titles, $"{prefix}.titles", MaxTitleLength, v) : [.. current!.Titles];
        string country;
        string city;
        if (Wanted("place"))
        {
            v.Check(a.Place is not null, $"{prefix}.place", "is required");
            country = ParseCountry(a.Place?.CountryCode ?? string.Empty, $"{prefix}.place.country_code", v);
            city = (a.Place?.City ?? string.Empty).Trim();
            v.MaxLength(city, 200, $"{prefix}.place.city");
        }
        else
        {
            country = current!.CountryCode;
            city = current.City;
        }

        DateTime start;
        if (Wanted("start_time"))
        {
            v.Check(a.StartTime is not null, $"{prefix}.start_time", "is required");
            start = ParseTime(a.StartTime, $"{prefix}.start_time", v) ?? default;
        }
        else
        {
            start = current!.StartTime;
        }

        var end = Wanted("end_time") ? ParseTime(a.EndTime, $"{prefix}.end_time", v) : current!.EndTime;
        if (end is { } e && start != default && e < start)
        {
            v.Add($"{prefix}.end_time", "must not be before start_time");
        }

        var partners = Wanted("partner_ids") ? ParseOrganizationIds(a.PartnerIds, $"{prefix}.partner_ids", v, required: false) : [.. current!.PartnerIds];
        return new ActivityContent(kind, titles, country, city, start, end, partners);
    }

    public static InitiativeKind? ParseKind(V1.InitiativeKind kind) =>
        kind == V1.InitiativeKind.Unspecified || !System.Enum.IsDefined(kind) ? null : (InitiativeKind)kind;

    public static InitiativeState? ParseState(V1.InitiativeState state) =>
        state == V1.InitiativeState.Unspecified || !System.Enum.IsDefined(state) ? null : (InitiativeState)state;

    public static ActivityKind? ParseActivityKind(V1.ActivityKind kind) =>
        kind == V1.ActivityKind.Unspecified || !System.Enum.IsDefined(kind) ? null : (ActivityKind)kind;

    public static ActivityStatus? ParseActivityStatus(V1.ActivityStatus status) =>
        status == V1.ActivityStatus.Unspecified || !System.Enum.IsDefined(status) ? null : (ActivityStatus)status;

    public static WorldRegion? ParseRegion(CommonV1.Region region) =>
        region == CommonV1.Region.Unspecified || !System.Enum.IsDefined(region) ? null : (WorldRegion)region;
}
