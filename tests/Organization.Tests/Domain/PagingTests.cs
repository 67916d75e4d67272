using MediaMesh.Common.Errors;
using MediaMesh.Common.Paging;

namespace MediaMesh.Organization.Tests.Domain;

public sealed class PagingTests
{
    private const string Filters = "AFRICA|KE|||";

    [Theory]
    [InlineData(0, PageRequest.DefaultPageSize)]
    [InlineData(1, 1)]
    [InlineData(PageRequest.MaxPageSize, PageRequest.MaxPageSize)]
    public void Page_size_zero_means_default_and_bounds_are_accepted(int requested, int expected)
    {
        var page = PageRequest.Parse(requested, string.Empty, Filters);
        Assert.Equal(expected, page.PageSize);
        Assert.Null(page.After);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(PageRequest.MaxPageSize + 1)]
    public void Page_size_out_of_bounds_is_refused_naming_page_size(int requested)
    {
        var ex = Assert.Throws<ValidationFailedException>(() => PageRequest.Parse(requested, null, Filters));
        Assert.Equal("page_size", Assert.Single(ex.Violations).Field);
    }

    [Theory]
    [InlineData("not a token!")]
    [InlineData("AAAA")]
    [InlineData("%%%")]
    public void A_garbage_token_is_refused_naming_page_token(string token)
    {
        var ex = Assert.Throws<ValidationFailedException>(() => PageRequest.Parse(10, token, Filters));
        Assert.Equal("page_token", Assert.Single(ex.Violations).Field);
    }

    [Fact]
    public void A_token_round_trips_with_the_same_filters()
    {
        var token = new PageCursor("kenya broadcasting", "org_1").Encode(Filters);
        var page = PageRequest.Parse(10, token, Filters);
        Assert.Equal(new PageCursor("kenya broadcasting", "org_1"), page.After);
    }

    [Fact]
    public void A_token_from_other_filters_is_refused()
    {
        var token = new PageCursor("kenya", "org_1").Encode(Filters);
        var ex = Assert.Throws<ValidationFailedException>(() => PageRequest.Parse(10, token, "ASIA_PACIFIC|||||"));
        Assert.Equal("page_token", Assert.Single(ex.Violations).Field);
    }

    [Fact]
    public void A_sort_key_with_line_breaks_still_round_trips()
    {
        var cursor = new PageCursor("line one\nline two", "org_1");
        Assert.Equal(cursor, PageCursor.Decode(cursor.Encode(Filters), Filters));
    }

    [Fact]
    public void A_page_has_a_next_token_only_when_more_rows_were_fetched()
    {
        var page = PageRequest.Parse(2, null, Filters);
        var last = PageResult.From(["a", "b"], page, Filters, s => new PageCursor(s, s));
        Assert.Equal(string.Empty, last.NextPageToken);
        Assert.Equal(["a", "b"], last.Items);

        var more = PageResult.From(["a", "b", "c"], page, Filters, s => new PageCursor(s, s));
        Assert.Equal(["a", "b"], more.Items);
        Assert.Equal(new PageCursor("b", "b"), PageRequest.Parse(2, more.NextPageToken, Filters).After);
    }
}
