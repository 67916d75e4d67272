using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using MediaMesh.Contracts.Common.V1;

namespace MediaMesh.Cli;

/// <summary>Turns what people type into contract values, refusing with a usage error naming the option.</summary>
public static class Parse
{
    /// <summary>"news-video", "news_video", "NewsVideo" or "OFFER_TYPE_NEWS_VIDEO" → OfferType.NewsVideo.</summary>
    public static T Enum<T>(string text, string option)
        where T : struct, System.Enum
    {
        var wanted = Normalize(text);
        var prefix = Normalize(string.Concat(typeof(T).Name.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())));
        foreach (var name in System.Enum.GetNames<T>())
        {
            var candidate = Normalize(name);
            if (candidate == "unspecified")
            {
                continue;
            }

            if (candidate == wanted || prefix + candidate == wanted)
            {
                return System.Enum.Parse<T>(name);
            }
        }

        throw new UsageException($"{option}: '{text}' is not one of {string.Join(", ", Names<T>())}");
    }

    public static T? OptionalEnum<T>(string? text, string option)
        where T : struct, System.Enum =>
        string.IsNullOrWhiteSpace(text) ? null : Enum<T>(text, option);

    /// <summary>The friendly names of an enum's values (e.g. news-video).</summary>
    public static IEnumerable<string> Names<T>()
        where T : struct, System.Enum =>
        System.Enum.GetNames<T>().Where(n => n != "Unspecified").Select(Kebab);

    public static string Kebab(string pascal) =>
        string.Concat(pascal.Select((c, i) => i > 0 && char.IsUpper(c) ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    /// <summary>The friendly name of an enum value, e.g. OfferType.NewsVideo → news-video.</summary>
    public static string Name<T>(T value)
        where T : struct, System.Enum => Kebab(value.ToString());

    /// <summary>Values given repeatedly or comma-separated.</summary>
    public static string[] List(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();

    /// <summary>"2026-03-01", "2026-03-01T10:00:00Z", "now", "now+7d", "now-2h".</summary>
    public static Timestamp Time(string text, string option)
    {
        var t = text.Trim();
        if (t.StartsWith("now", StringComparison.OrdinalIgnoreCase))
        {
            var now = DateTimeOffset.UtcNow;
            if (t.Length == 3)
            {
                return Timestamp.FromDateTimeOffset(now);
            }

            var sign = t[3] == '-' ? -1 : t[3] == '+' ? 1 : 0;
            var unit = t[^1];
            if (sign != 0 && double.TryParse(t[4..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
            {
                var span = unit switch
                {
                    'd' => TimeSpan.FromDays(amount),
                    'h' => TimeSpan.FromHours(amount),
                    'm' => TimeSpan.FromMinutes(amount),
                    _ => (TimeSpan?)null,
                };
                if (span is { } s)
                {
                    return Timestamp.FromDateTimeOffset(now + (sign * s));
                }
            }
        }

        if (DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return Timestamp.FromDateTimeOffset(parsed);
        }

        throw new UsageException($"{option}: '{text}' is not a time (e.g. 2026-03-01, 2026-03-01T18:00:00Z, now, now+30d)");
    }

    public static Timestamp? OptionalTime(string? text, string option) =>
        string.IsNullOrWhiteSpace(text) ? null : Time(text, option);

    public static TimeInterval? Interval(string? from, string? to, string fromOption, string toOption)
    {
        if (string.IsNullOrWhiteSpace(from) && string.IsNullOrWhiteSpace(to))
        {
            return null;
        }

        var interval = new TimeInterval();
        if (OptionalTime(from, fromOption) is { } start)
        {
            interval.StartTime = start;
        }

        if (OptionalTime(to, toOption) is { } end)
        {
            interval.EndTime = end;
        }

        return interval;
    }

    /// <summary>"africa", "latin-america-caribbean", "REGION_EUROPE" → Region.</summary>
    public static Region Region(string text, string option) => Enum<Region>(text, option);

    /// <summary>"en=Floods in the delta" (or plain text in <paramref name="defaultLanguage"/>); the first is the original.</summary>
    public static IEnumerable<LocalizedText> Texts(string[]? values, string defaultLanguage)
    {
        var first = true;
        foreach (var value in values ?? [])
        {
            var split = value.IndexOf('=', StringComparison.Ordinal);
            var (language, text) = split is > 1 and <= 12 && !value[..split].Contains(' ', StringComparison.Ordinal)
                ? (value[..split], value[(split + 1)..])
                : (defaultLanguage, value);
            yield return new LocalizedText { Language = language, Text = text, Original = first };
            first = false;
        }
    }

    /// <summary>Country codes and region names mixed, e.g. "KE,TZ,arab-states".</summary>
    public static MediaMesh.Contracts.Exchange.V1.Territories Territories(string[] values, string option)
    {
        var territories = new MediaMesh.Contracts.Exchange.V1.Territories();
        foreach (var value in List(values))
        {
            if (value.Length == 2 && value.All(char.IsLetter))
            {
                territories.CountryCodes.Add(value.ToUpperInvariant());
            }
            else
            {
                territories.Regions.Add(Region(value, option));
            }
        }

        return territories;
    }

    /// <summary>A region's name as people read it: REGION_ARAB_STATES → Arab States.</summary>
    public static string RegionTitle(string key) => key switch
    {
        "REGION_AFRICA" => "Africa",
        "REGION_ARAB_STATES" => "Arab States",
        "REGION_ASIA_PACIFIC" => "Asia-Pacific",
        "REGION_CENTRAL_ASIA" => "Central Asia",
        "REGION_EUROPE" => "Europe",
        "REGION_LATIN_AMERICA_CARIBBEAN" => "Latin America & Caribbean",
        "REGION_NORTH_AMERICA" => "North America",
        _ => key,
    };

    public static string RegionTitle(Region region) => RegionTitle(RegionKey(region));

    /// <summary>The proto name of a region, as the statistics use it (REGION_ARAB_STATES).</summary>
    public static string RegionKey(Region region) =>
        "REGION_" + string.Concat(region.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant();

    public static string When(Timestamp? time) => time is null ? string.Empty : time.ToDateTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Text(IEnumerable<LocalizedText> texts) =>
        texts.FirstOrDefault(t => t.Original)?.Text ?? texts.FirstOrDefault()?.Text ?? string.Empty;

    private static string Normalize(string text) => text.Replace("-", string.Empty, StringComparison.Ordinal)
        .Replace("_", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
}
