using Google.Protobuf.Collections;
using System.Text.RegularExpressions;
using Duration = Google.Protobuf.WellKnownTypes.Duration;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;
using MediaMesh.Common.Geography;
using MediaMesh.Common.Languages;
using MediaMesh.Common.Validation;
using MediaMesh.ServiceDefaults.Grpc;
using MediaMesh.Exchange.Application;
using MediaMesh.Exchange.Domain;
using V1 = MediaMesh.Contracts.Exchange.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;

namespace MediaMesh.Exchange.Grpc;

/// <summary>Turns request messages into validated, normalised domain input, naming every bad field.</summary>
internal static partial class ExchangeRequestParser
{
    public const int MaxSlugline = 49;

    public static readonly IReadOnlySet<string> WritableFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "uri", "type", "headlines", "descriptions", "slugline", "audio_languages", "subtitle_languages", "subjects", "genres",
        "located", "first_create_time", "embargo_end_time", "expire_time", "copyright_holder", "credit_line", "usage_terms",
        "duration", "initiative_ids", "rights",
    };

    [GeneratedRegex("^medtop:[0-9]{8}$")]
    private static partial Regex MediaTopic();

    /// <summary>Parses an offer's writable fields (all of them, or with a mask only those named, the rest from <paramref name="current"/>).</summary>
    public static OfferContent ParseContent(V1.Offer o, string prefix, RequestValidator v, OfferContent? current = null, IReadOnlySet<string>? mask = null)
    {
        current ??= new OfferContent();
        bool Wanted(string f) => mask is null || mask.Contains(f);
        var content = current;

        if (Wanted("uri"))
        {
            v.MaxLength(o.Uri, 500, $"{prefix}.uri");
            content = content with { Uri = o.Uri.Trim() };
        }

        if (Wanted("type"))
        {
            var type = ParseOfferType(o.Type);
            v.Check(type is not null, $"{prefix}.type", "is required");
            content = content with { Type = type ?? default };
        }

        if (Wanted("headlines"))
        {
            content = content with { Headlines = ParseTexts(o.Headlines, $"{prefix}.headlines", 300, v) };
        }

        if (Wanted("descriptions"))
        {
            content = content with { Descriptions = ParseDescriptions(o.Descriptions, $"{prefix}.descriptions", v) };
        }

        if (Wanted("slugline"))
        {
            var slug = o.Slugline.Trim();
            v.Check(slug.Length <= MaxSlugline, $"{prefix}.slugline", $"must be at most {MaxSlugline} characters");
            content = content with { Slugline = slug };
        }

        if (Wanted("audio_languages"))
        {
            content = content with { AudioLanguages = ParseLanguages(o.AudioLanguages, $"{prefix}.audio_languages", v) };
        }

        if (Wanted("subtitle_languages"))
        {
            content = content with { SubtitleLanguages = ParseLanguages(o.SubtitleLanguages, $"{prefix}.subtitle_languages", v) };
        }

        if (Wanted("subjects") && v.WithinCount(o.Subjects.Count, RepeatedFieldLimits.Subjects, $"{prefix}.subjects"))
        {
            var index = 0;
            foreach (var subject in o.Subjects)
            {
                v.Check(MediaTopic().IsMatch(subject), $"{prefix}.subjects[{index++}]", "must be an IPTC Media Topic code such as \"medtop:20000137\"");
            }

            content = content with { Subjects = o.Subjects.Distinct(StringComparer.Ordinal).ToArray() };
        }

        if (Wanted("genres") && v.WithinCount(o.Genres.Count, RepeatedFieldLimits.Genres, $"{prefix}.genres"))
        {
            var index = 0;
            foreach (var genre in o.Genres)
            {
                v.Check(genre.Trim().Length is > 0 and <= 100, $"{prefix}.genres[{index++}]", "must be 1 to 100 characters");
            }

            content = content with { Genres = o.Genres.Select(g => g.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToArray() };
        }

        if (Wanted("located"))
        {
            var country = string.Empty;
            if (!string.IsNullOrEmpty(o.Located?.CountryCode))
            {
                country = ParseCountry(o.Located.CountryCode, $"{prefix}.located.country_code", v);
            }

            var city = o.Located?.City.Trim() ?? string.Empty;
            v.MaxLength(city, 100, $"{prefix}.located.city");
            content = content with { LocatedCountry = country, LocatedCity = city };
        }

        if (Wanted("first_create_time"))
        {
            content = content with { FirstCreateTime = ParseTime(o.FirstCreateTime, $"{prefix}.first_create_time", v) };
        }

        if (Wanted("embargo_end_time"))
        {
            content = content with { EmbargoEndTime = ParseTime(o.EmbargoEndTime, $"{prefix}.embargo_end_time", v) };
        }

        if (Wanted("expire_time"))
        {
            content = content with { ExpireTime = ParseTime(o.ExpireTime, $"{prefix}.expire_time", v) };
        }

        if (Wanted("copyright_holder"))
        {
            v.MaxLength(o.CopyrightHolder, 200, $"{prefix}.copyright_holder");
            content = content with { CopyrightHolder = o.CopyrightHolder.Trim() };
        }

        if (Wanted("credit_line"))
        {
            v.MaxLength(o.CreditLine, 200, $"{prefix}.credit_line");
            content = content with { CreditLine = o.CreditLine.Trim() };
        }

        if (Wanted("usage_terms"))
        {
            v.MaxLength(o.UsageTerms, 4000, $"{prefix}.usage_terms");
            content = content with { UsageTerms = o.UsageTerms.Trim() };
        }

        if (Wanted("duration"))
        {
            var duration = ParseDuration(o.Duration, $"{prefix}.duration", v);
            v.Check(duration is null || duration >= TimeSpan.Zero, $"{prefix}.duration", "must not be negative");
            content = content with { Duration = duration };
        }

        if (Wanted("initiative_ids") && v.WithinCount(o.InitiativeIds.Count, RepeatedFieldLimits.Ids, $"{prefix}.initiative_ids"))
        {
            var index = 0;
            foreach (var id in o.InitiativeIds)
            {
                v.Check(id.Trim().Length is > 0 and <= 64, $"{prefix}.initiative_ids[{index++}]", "must be an initiative id");
            }

            content = content with { InitiativeIds = o.InitiativeIds.Select(i => i.Trim()).Distinct(StringComparer.Ordinal).ToArray() };
        }

        if (Wanted("rights"))
        {
            if (o.Rights is null)
            {
                v.Add($"{prefix}.rights", "is required");
            }
            else
            {
                content = content with { Rights = ParseRights(o.Rights, $"{prefix}.rights", v) };
            }
        }

        if (content.EmbargoEndTime is { } embargo && content.ExpireTime is { } expire)
        {
            v.Check(expire > embargo, $"{prefix}.expire_time", "must be after embargo_end_time");
        }

        return content;
    }

    public static OfferRights ParseRights(V1.Rights r, string prefix, RequestValidator v)
    {
        var (allowedCountries, allowedRegions) = ParseTerritories(r.AllowedTerritories, $"{prefix}.allowed_territories", v);
        var (deniedCountries, deniedRegions) = ParseTerritories(r.DeniedTerritories, $"{prefix}.denied_territories", v);
        var (windowStart, windowEnd) = ParseInterval(r.LicenceWindow, $"{prefix}.licence_window", v);
        var uses = ParseUses(r.PermittedUses, $"{prefix}.permitted_uses", v);
        var mode = r.Approval?.Mode ?? V1.ApprovalMode.Unspecified;
        v.Check(Enum.IsDefined(mode), $"{prefix}.approval.mode", "is not a known approval mode");
        var autoRegions = ParseRegions(r.Approval?.AutoApproveRegions ?? [], $"{prefix}.approval.auto_approve_regions", v);
        var unionIds = r.Approval?.AutoApproveUnionIds ?? [];
        v.MaxCount(unionIds.Count, RepeatedFieldLimits.Ids, $"{prefix}.approval.auto_approve_union_ids");
        var autoUnions = unionIds.Take(RepeatedFieldLimits.Ids).Select(u => u.Trim()).Where(u => u.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        return new OfferRights
        {
            AllowedCountries = allowedCountries,
            AllowedRegions = allowedRegions,
            DeniedCountries = deniedCountries,
            DeniedRegions = deniedRegions,
            WindowStart = windowStart,
            WindowEnd = windowEnd,
            PermittedUses = uses,
            Exclusive = r.Exclusive,
            Approval = mode == V1.ApprovalMode.Auto ? ApprovalMode.Auto : ApprovalMode.Manual,
            AutoApproveRegions = autoRegions,
            AutoApproveUnionIds = autoUnions,
        };
    }

    public static IReadOnlyList<UsageKind> ParseUses(IReadOnlyCollection<V1.UsageKind> uses, string field, RequestValidator v)
    {
        var result = new List<UsageKind>();
        if (!v.WithinCount(uses.Count, RepeatedFieldLimits.EnumValues, field))
        {
            return result;
        }

        foreach (var use in uses)
        {
            if (use == V1.UsageKind.Unspecified || !Enum.IsDefined(use))
            {
                v.Add(field, "contains an unknown use");
                continue;
            }

            result.Add((UsageKind)use);
        }

        v.Check(result.Count > 0, field, "at least one use is required");
        return result.Distinct().Order().ToArray();
    }

    public static (IReadOnlyList<string> Countries, IReadOnlyList<WorldRegion> Regions) ParseTerritories(V1.Territories? t, string prefix, RequestValidator v)
    {
        if (t is null)
        {
            return ([], []);
        }

        var countries = ParseCountries(t.CountryCodes, $"{prefix}.country_codes", v, required: false);
        return (countries, ParseRegions(t.Regions, $"{prefix}.regions", v));
    }

    public static IReadOnlyList<string> ParseCountries(IReadOnlyCollection<string> codes, string field, RequestValidator v, bool required)
    {
        var result = new List<string>();
        if (!v.WithinCount(codes.Count, RepeatedFieldLimits.Countries, field))
        {
            return result;
        }

        var index = 0;
        foreach (var code in codes)
        {
            result.Add(ParseCountry(code, $"{field}[{index++}]", v));
        }

        if (required)
        {
            v.Check(index > 0, field, "at least one country is required");
        }

        return result.Distinct(StringComparer.Ordinal).ToArray();
    }

    public static IReadOnlyList<WorldRegion> ParseRegions(IReadOnlyCollection<CommonV1.Region> regions, string field, RequestValidator v)
    {
        var result = new List<WorldRegion>();
        if (!v.WithinCount(regions.Count, RepeatedFieldLimits.EnumValues, field))
        {
            return result;
        }

        foreach (var region in regions)
        {
            if (ParseRegion(region) is { } parsed)
            {
                result.Add(parsed);
            }
            else
            {
                v.Add(field, "contains an unknown region");
            }
        }

        return result.Distinct().ToArray();
    }

    public static string ParseCountry(string code, string field, RequestValidator v)
    {
        var normalized = Countries.Normalize(code);
        v.Check(Countries.IsValid(normalized), field, "must be an ISO 3166-1 alpha-2 country code such as \"KE\"");
        return normalized;
    }

    public static (DateTime? Start, DateTime? End) ParseInterval(CommonV1.TimeInterval? interval, string field, RequestValidator v)
    {
        var start = ParseTime(interval?.StartTime, $"{field}.start_time", v);
        var end = ParseTime(interval?.EndTime, $"{field}.end_time", v);
        v.Check(start is null || end is null || end > start, $"{field}.end_time", "must be after start_time");
        return (start, end);
    }

    public static DateTime? ParseTime(Timestamp? time, string field, RequestValidator v) => v.Timestamp(time, field);

    public static TimeSpan? ParseDuration(Duration? duration, string field, RequestValidator v) => v.Duration(duration, field);

    public static IReadOnlyList<string> ParseLanguages(IReadOnlyCollection<string> tags, string field, RequestValidator v) =>
        v.WithinCount(tags.Count, RepeatedFieldLimits.Languages, field) ? v.LanguageTags(tags, field) : [];

    public static string? ParseLanguage(string tag, string field, RequestValidator v)
    {
        if (string.IsNullOrEmpty(tag))
        {
            return null;
        }

        v.Check(LanguageTag.IsValid(tag), field, "must be a BCP 47 language tag such as \"en\"");
        return LanguageTag.IsValid(tag) ? LanguageTag.Normalize(tag) : null;
    }

    private static List<Domain.LocalizedText> ParseTexts(RepeatedField<CommonV1.LocalizedText> texts, string field, int maxLength, RequestValidator v)
    {
        var result = new List<Domain.LocalizedText>();
        if (!v.WithinCount(texts.Count, RepeatedFieldLimits.Texts, field))
        {
            return result;
        }

        var index = 0;
        foreach (var text in texts)
        {
            var at = $"{field}[{index++}]";
            if (!LanguageTag.IsValid(text.Language))
            {
                v.Add($"{at}.language", "must be a BCP 47 language tag such as \"en\" or \"pt-BR\"");
                continue;
            }

            v.Required(text.Text, $"{at}.text").MaxLength(text.Text, maxLength, $"{at}.text");
            result.Add(new Domain.LocalizedText(LanguageTag.Normalize(text.Language), text.Text.Trim(), text.Original));
        }

        v.Check(index > 0, field, "at least one is required");
        v.Check(result.Count(n => n.Original) <= 1, field, "at most one may be marked original");
        v.Check(result.Select(n => n.Language).Distinct(StringComparer.OrdinalIgnoreCase).Count() == result.Count, field, "one per language");
        return result;
    }

    private static List<DescriptionText> ParseDescriptions(RepeatedField<V1.Description> descriptions, string field, RequestValidator v)
    {
        var result = new List<DescriptionText>();
        if (!v.WithinCount(descriptions.Count, RepeatedFieldLimits.Descriptions, field))
        {
            return result;
        }

        var index = 0;
        foreach (var d in descriptions)
        {
            var at = $"{field}[{index++}]";
            if (!LanguageTag.IsValid(d.Language))
            {
                v.Add($"{at}.language", "must be a BCP 47 language tag");
                continue;
            }

            v.Check(Enum.IsDefined(d.Role), $"{at}.role", "is not a known role");
            v.Required(d.Text, $"{at}.text").MaxLength(d.Text, 20000, $"{at}.text");
            result.Add(new DescriptionText(LanguageTag.Normalize(d.Language), (DescriptionRole)d.Role, d.Text.Trim()));
        }

        return result;
    }

    public static OfferType? ParseOfferType(V1.OfferType type) =>
        type == V1.OfferType.Unspecified || !Enum.IsDefined(type) ? null : (OfferType)type;

    public static OfferState? ParseOfferState(V1.OfferState state) =>
        state == V1.OfferState.Unspecified || !Enum.IsDefined(state) ? null : (OfferState)state;

    public static WorldRegion? ParseRegion(CommonV1.Region region) =>
        region == CommonV1.Region.Unspecified || !Enum.IsDefined(region) ? null : (WorldRegion)region;

    public static ContentRequestState? ParseRequestState(V1.ContentRequestState state) =>
        state == V1.ContentRequestState.Unspecified || !Enum.IsDefined(state) ? null : (ContentRequestState)state;

    public static LicenceState? ParseLicenceState(V1.LicenceState state) =>
        state == V1.LicenceState.Unspecified || !Enum.IsDefined(state) ? null : (LicenceState)state;

    public static Direction? ParseDirection(V1.Direction direction) =>
        direction == V1.Direction.Unspecified || !Enum.IsDefined(direction) ? null : (Direction)direction;

    public static StatisticsGrouping? ParseGrouping(V1.StatisticsGrouping grouping) =>
        grouping == V1.StatisticsGrouping.Unspecified || !Enum.IsDefined(grouping) ? null : (StatisticsGrouping)grouping;

    public static Period ParsePeriod(CommonV1.TimeInterval? interval, string field, RequestValidator v)
    {
        var (start, end) = ParseInterval(interval, field, v);
        return new Period(start, end);
    }
}
