namespace MediaMesh.Common.Paging;

/// <summary>One page of items and the token for the next page ("" on the last page).</summary>
public sealed record PageResult<T>(IReadOnlyList<T> Items, string NextPageToken);

public static class PageResult
{
    /// <summary>
    /// Builds a page from rows fetched with <c>Take(pageSize + 1)</c>: the extra row only tells
    /// that another page exists.
    /// </summary>
    public static PageResult<T> From<T>(IReadOnlyList<T> fetched, PageRequest page, string filterFingerprint, Func<T, PageCursor> cursorOf)
    {
        if (fetched.Count <= page.PageSize)
        {
            return new PageResult<T>(fetched, string.Empty);
        }

        var items = fetched.Take(page.PageSize).ToArray();
        return new PageResult<T>(items, cursorOf(items[^1]).Encode(filterFingerprint));
    }
}
