using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using MediaMesh.Common.Errors;

namespace MediaMesh.Common.Paging;

/// <summary>
/// Keyset pagination shared by every List method. A page token carries the sort key and id of
/// the last item returned plus a fingerprint of the filters, so a page never repeats or skips
/// rows that were there when listing began, and a token reused with other filters is refused.
/// </summary>
public sealed record PageRequest(int PageSize, PageCursor? After)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    /// <param name="pageSize">The request's page_size (0 means the default).</param>
    /// <param name="pageToken">The request's page_token, or empty for the first page.</param>
    /// <param name="filterFingerprint">Every filter of the request, joined into one string.</param>
    public static PageRequest Parse(int pageSize, string? pageToken, string filterFingerprint)
    {
        if (pageSize < 0 || pageSize > MaxPageSize)
        {
            throw ValidationFailedException.For("page_size", $"must be between 0 and {MaxPageSize}");
        }

        var size = pageSize == 0 ? DefaultPageSize : pageSize;
        if (string.IsNullOrEmpty(pageToken))
        {
            return new PageRequest(size, null);
        }

        var cursor = PageCursor.Decode(pageToken, filterFingerprint)
            ?? throw ValidationFailedException.For("page_token", "is not a token from a previous page of this same query");
        return new PageRequest(size, cursor);
    }
}

/// <summary>Position after which the next page starts: the last row's sort key and id.</summary>
public sealed record PageCursor(string SortKey, string Id)
{
    public string Encode(string filterFingerprint)
    {
        var payload = $"{Fingerprint(filterFingerprint)}\n{SortKey}\n{Id}";
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload));
    }

    public static PageCursor? Decode(string token, string filterFingerprint)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            // The sort key is free text and may itself contain line breaks; the fingerprint and id never do.
            var first = text.IndexOf('\n', StringComparison.Ordinal);
            var last = text.LastIndexOf('\n');
            if (first < 0 || first == last || text[..first] != Fingerprint(filterFingerprint))
            {
                return null;
            }

            return new PageCursor(text[(first + 1)..last], text[(last + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string Fingerprint(string filters) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(filters)).AsSpan(0, 8));
}
