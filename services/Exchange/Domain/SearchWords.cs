using System.Globalization;
using System.Text;

namespace MediaMesh.Exchange.Domain;

/// <summary>
/// What the catalogue's text search calls a word, for offers and queries alike: a run of letters or digits,
/// lower-cased, with diacritics removed ("São-Tomé" is the two words "sao" and "tome"); everything else
/// separates words. An offer matches a text when it contains every word of it as a whole word (no
/// substrings, no prefixes). Both database indexes (SQLite FTS5, PostgreSQL tsvector) are fed the
/// words joined by spaces, and queries are built from the same words, so no query syntax of either
/// engine can come from user text.
/// </summary>
public static class SearchWords
{
    public static IReadOnlyList<string> Of(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
            {
                continue;
            }

            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
            else if (word.Length > 0)
            {
                words.Add(word.ToString().Normalize(NormalizationForm.FormC));
                word.Clear();
            }
        }

        if (word.Length > 0)
        {
            words.Add(word.ToString().Normalize(NormalizationForm.FormC));
        }

        return words;
    }

    /// <summary>The distinct words of a query, in order (duplicates add nothing to an AND).</summary>
    public static IReadOnlyList<string> OfQuery(string? text) => Of(text).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>The indexed text of an offer: its words separated by single spaces.</summary>
    public static string Indexed(IEnumerable<string> texts) => string.Join(' ', texts.SelectMany(Of));
}
