using System.Text.RegularExpressions;

namespace MediaMesh.Common.Languages;

/// <summary>
/// BCP 47 language tags (RFC 5646): well-formedness and canonical casing
/// ("EN-gb" becomes "en-GB", "zh-hans" becomes "zh-Hans"). Private-use and grandfathered
/// tags are refused: an exchange needs tags every member's tooling understands.
/// </summary>
public static partial class LanguageTag
{
    [GeneratedRegex(
        "^(?<lang>[a-z]{2,3}(-[a-z]{3}){0,3}|[a-z]{4,8})" +
        "(-(?<script>[a-z]{4}))?" +
        "(-(?<region>[a-z]{2}|[0-9]{3}))?" +
        "(-(?<variant>[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*" +
        "(-(?<ext>[0-9a-wy-z](-[a-z0-9]{2,8})+))*" +
        "(-x(-[a-z0-9]{1,8})+)?$",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex WellFormed();

    public static bool IsValid(string? tag) => tag is { Length: > 0 and <= 64 } && WellFormed().IsMatch(tag);

    /// <summary>Canonical casing of a valid tag; throws for an invalid one (validate first).</summary>
    public static string Normalize(string tag)
    {
        var match = WellFormed().Match(tag.Trim());
        if (!match.Success)
        {
            throw new ArgumentException($"'{tag}' is not a BCP 47 language tag.", nameof(tag));
        }

        var parts = tag.Trim().Split('-');
        var result = new List<string>(parts.Length);
        var afterSingleton = false;
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (i == 0 || afterSingleton)
            {
                result.Add(part.ToLowerInvariant());
            }
            else if (part.Length == 1)
            {
                afterSingleton = true;
                result.Add(part.ToLowerInvariant());
            }
            else if (part.Length == 4 && char.IsLetter(part[0]))
            {
                result.Add(char.ToUpperInvariant(part[0]) + part[1..].ToLowerInvariant());
            }
            else if (part.Length == 2)
            {
                result.Add(part.ToUpperInvariant());
            }
            else
            {
                result.Add(part.ToLowerInvariant());
            }
        }

        return string.Join('-', result);
    }
}
