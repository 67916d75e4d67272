using MediaMesh.Common.Languages;

namespace MediaMesh.Common.Validation;

/// <summary>BCP 47 checks shared by every request parser, naming the offending list element.</summary>
public static class LanguageValidation
{
    /// <summary>
    /// Normalises a list of language tags ("EN-gb" → "en-GB"), dropping duplicates; each invalid tag is
    /// a violation of "<paramref name="field"/>[index]".
    /// </summary>
    public static IReadOnlyList<string> LanguageTags(this RequestValidator v, IEnumerable<string> tags, string field)
    {
        var result = new List<string>();
        var index = 0;
        foreach (var tag in tags)
        {
            if (LanguageTag.IsValid(tag))
            {
                result.Add(LanguageTag.Normalize(tag));
            }
            else
            {
                v.Add($"{field}[{index}]", "must be a BCP 47 language tag such as \"en\" or \"sw\"");
            }

            index++;
        }

        return result.Distinct(StringComparer.Ordinal).ToArray();
    }
}
