using Google.Protobuf.WellKnownTypes;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Exchange.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;

namespace MediaMesh.Exchange.Tests;

/// <summary>
/// The indexed catalogue (FTS5 / tsvector, tag sort keys): whole-word matching, hostile text, the index
/// following corrections, withdrawals and kills, paging on every access path, and "available now" edges.
/// </summary>
[Collection("exchange")]
public sealed class CatalogueSearchIndexTests(ExchangeFixture f)
{
    private static string UniqueWord() => "w" + Guid.NewGuid().ToString("N")[..10];

    private static V1.Offer Titled(string subject, string headline, string description = "Families leave their homes as the river rises.")
    {
        var offer = ExchangeFixture.NewOffer(subject, headline: headline);
        offer.Descriptions[0].Text = description;
        offer.Slugline = "SLUG";
        return offer;
    }

    private async Task<string[]> FindAsync(string subject, string text, bool showUnavailable = false, string caller = "")
    {
        var response = await f.Exchange.Catalogue(caller.Length == 0 ? f.India : caller)
            .SearchOffersAsync(new V1.SearchOffersRequest { Subject = subject, Text = text, ShowUnavailable = showUnavailable });
        return response.Offers.Select(o => o.Id).ToArray();
    }

    /// <summary>Searching without the subject filter drives the query from the text index itself.</summary>
    private async Task<string[]> FindByTextOnlyAsync(string text) =>
        (await f.Exchange.Catalogue(f.India).SearchOffersAsync(new V1.SearchOffersRequest { Text = text })).Offers.Select(o => o.Id).ToArray();

    [Fact]
    public async Task Text_matches_whole_words_not_substrings_and_every_word_must_match()
    {
        var subject = ExchangeFixture.UniqueSubject();
        var word = UniqueWord();
        var floods = await f.PublishAsync(f.Kenya, Titled(subject, $"Floods in the Rift Valley {word}"));
        var drought = await f.PublishAsync(f.Kenya, Titled(subject, $"Drought grips the north {word}", "Herders move their cattle."));

        Assert.Equal([floods.Id], await FindAsync(subject, "floods"));
        Assert.Empty(await FindAsync(subject, "flood"));
        Assert.Empty(await FindAsync(subject, "loods"));
        Assert.Empty(await FindAsync(subject, "iver"));
        Assert.Equal([floods.Id], await FindAsync(subject, "river RISES"));
        Assert.Equal([floods.Id], await FindAsync(subject, "rises river"));
        Assert.Empty(await FindAsync(subject, "river cattle"));
        Assert.Equal([drought.Id, floods.Id], await FindAsync(subject, "the"));
        Assert.Equal([drought.Id, floods.Id], await FindByTextOnlyAsync(word));
        Assert.Equal([floods.Id], await FindByTextOnlyAsync($"{word} valley"));
        Assert.Empty(await FindByTextOnlyAsync(word[..^1]));
    }

    [Fact]
    public async Task Text_ignores_case_diacritics_and_punctuation()
    {
        var subject = ExchangeFixture.UniqueSubject();
        var offer = await f.PublishAsync(f.Kenya, Titled(subject, "São Tomé: l'école de Ñandú reopens", "Über 3.000 Schüler kehren zurück."));

        foreach (var text in new[] { "sao tome", "SÃO-TOMÉ", "ecole", "école", "nandu", "ÑANDÚ!", "uber schuler", "zuruck.", "3", "000" })
        {
            Assert.True((await FindAsync(subject, text)).SequenceEqual([offer.Id]), $"'{text}' should find the offer");
        }

        Assert.Empty(await FindAsync(subject, "tom"));
        Assert.Empty(await FindAsync(subject, "3000"));
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("\"floods")]
    [InlineData("floods*")]
    [InlineData("*")]
    [InlineData("-floods")]
    [InlineData("NOT floods")]
    [InlineData("floods OR zebra")]
    [InlineData("NEAR(floods valley)")]
    [InlineData("SearchText:floods")]
    [InlineData("^floods")]
    [InlineData("floods & !valley | (x <-> y):*")]
    [InlineData("'; DROP TABLE offers; --")]
    [InlineData("%_\\")]
    [InlineData("{}[]()+")]
    public async Task Query_syntax_in_user_text_is_plain_words_and_never_an_error(string text)
    {
        var subject = ExchangeFixture.UniqueSubject();
        var offer = await f.PublishAsync(f.Kenya, Titled(subject, "Floods in the Rift Valley"));

        var found = await FindAsync(subject, text);
        var byText = await FindByTextOnlyAsync(text);

        // Every word of the text must be in the offer; a text with no words filters nothing.
        var words = MediaMesh.Exchange.Domain.SearchWords.OfQuery(text);
        var expected = words.All(w => w is "floods" or "valley") ? new[] { offer.Id } : Array.Empty<string>();
        Assert.Equal(expected, found);
        if (words.Count > 0 && expected.Length == 0)
        {
            Assert.DoesNotContain(offer.Id, byText);
        }
    }

    [Fact]
    public async Task A_correction_withdrawal_or_kill_keeps_the_indexes_in_step()
    {
        var subject = ExchangeFixture.UniqueSubject();
        var crane = UniqueWord();
        var ferry = UniqueWord();
        var first = await f.PublishAsync(f.Kenya, Titled(subject, $"Harbour {crane} collapses"));
        var second = await f.PublishAsync(f.Kenya, Titled(subject, "Harbour reopens"));
        var offers = f.Exchange.Offers(f.Kenya);

        var fix = first.Clone();
        fix.Headlines[0].Text = $"Harbour {ferry} sinks";
        await offers.CorrectOfferAsync(new V1.CorrectOfferRequest { Offer = fix, UpdateMask = FieldMask.FromString("headlines"), CorrectionNote = "it was a ferry" });

        Assert.Empty(await FindAsync(subject, crane));
        Assert.Empty(await FindByTextOnlyAsync(crane));
        Assert.Equal([first.Id], await FindAsync(subject, ferry));
        Assert.Equal([first.Id], await FindByTextOnlyAsync(ferry));

        // The corrected offer changed last: it leads the subject's pages (the tag rows carry the new sort key).
        Assert.Equal([first.Id, second.Id], await FindAsync(subject, string.Empty));
        Assert.Equal([first.Id, second.Id], await FindAsync(subject, "harbour"));

        await offers.WithdrawOfferAsync(new V1.WithdrawOfferRequest { Id = first.Id, Reason = "rights dispute" });
        Assert.Empty(await FindAsync(subject, ferry));
        Assert.Empty(await FindByTextOnlyAsync(ferry));
        Assert.Equal([first.Id], await FindAsync(subject, ferry, showUnavailable: true));
        Assert.Equal([second.Id], await FindAsync(subject, string.Empty));

        await offers.KillOfferAsync(new V1.KillOfferRequest { Id = second.Id, Reason = "court order" });
        Assert.Empty(await FindAsync(subject, "harbour"));
        Assert.Equal([second.Id, first.Id], await FindAsync(subject, "harbour", showUnavailable: true));
    }

    [Fact]
    public async Task Pages_walk_in_order_on_the_text_index_and_on_tags_with_text()
    {
        var subject = ExchangeFixture.UniqueSubject();
        var word = UniqueWord();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await f.PublishAsync(f.Egypt, Titled(subject, $"Market day {word} {i}"))).Id);
        }

        ids.Reverse();
        var catalogue = f.Exchange.Catalogue(f.Kenya);
        foreach (var request in new[] { new V1.SearchOffersRequest { Text = word }, new V1.SearchOffersRequest { Text = $"market {word}", Subject = subject } })
        {
            var seen = new List<string>();
            do
            {
                request.PageSize = 2;
                var page = await catalogue.SearchOffersAsync(request);
                seen.AddRange(page.Offers.Select(o => o.Id));
                request.PageToken = page.NextPageToken;
            }
            while (request.PageToken.Length > 0);

            Assert.Equal(ids, seen);
        }
    }

    [Fact]
    public async Task Available_now_honours_denied_countries_inside_allowed_regions_and_exclusive_licences()
    {
        var subject = ExchangeFixture.UniqueSubject();
        var africa = ExchangeFixture.NewOffer(subject);
        africa.Rights.AllowedTerritories = new V1.Territories { Regions = { CommonV1.Region.Africa } };
        africa.Rights.DeniedTerritories = new V1.Territories { CountryCodes = { "KE" } };
        var africaButKenya = await f.PublishAsync(f.Egypt, africa);
        var kenyaOnly = ExchangeFixture.NewOffer(subject);
        kenyaOnly.Rights.AllowedTerritories = new V1.Territories { CountryCodes = { "KE", "IN" } };
        kenyaOnly.Rights.DeniedTerritories = new V1.Territories { Regions = { CommonV1.Region.Africa } };
        var deniedByRegion = await f.PublishAsync(f.Egypt, kenyaOnly);
        var (exclusive, _) = await f.LicensedAsync(f.Egypt, f.Kenya, "KE",
            ExchangeFixture.NewOffer(subject, ExchangeFixture.Rights(V1.ApprovalMode.Auto, exclusive: true)));

        async Task<string[]> Available(string caller, string country) =>
            (await f.Exchange.Catalogue(caller).SearchOffersAsync(new V1.SearchOffersRequest { Subject = subject, AvailableInTerritory = country }))
            .Offers.Select(o => o.Id).ToArray();

        var ghanaian = await f.NewMemberAsync("GH");
        Assert.Empty(await Available(ghanaian, "KE"));
        Assert.Equal([exclusive.Id, africaButKenya.Id], await Available(ghanaian, "GH"));
        Assert.Equal([exclusive.Id, deniedByRegion.Id], await Available(ghanaian, "IN"));
        Assert.Equal([exclusive.Id], await Available(f.Kenya, "KE"));
    }

    [Fact]
    public async Task Available_now_follows_the_clock_at_embargo_end_and_window_end()
    {
        var host = f.ClockedExchange;
        var subject = ExchangeFixture.UniqueSubject();
        var now = f.Clock.GetUtcNow().UtcDateTime;
        var embargoed = ExchangeFixture.NewOffer(subject);
        embargoed.EmbargoEndTime = Timestamp.FromDateTime(now.AddHours(1));
        var underEmbargo = await ExchangeFixture.PublishAsync(host, f.Kenya, embargoed);
        var windowed = ExchangeFixture.NewOffer(subject);
        windowed.Rights.LicenceWindow = new CommonV1.TimeInterval { StartTime = Timestamp.FromDateTime(now.AddMinutes(30)), EndTime = Timestamp.FromDateTime(now.AddHours(2)) };
        var window = await ExchangeFixture.PublishAsync(host, f.Kenya, windowed);

        async Task<string[]> Available() =>
            (await host.Catalogue(f.India).SearchOffersAsync(new V1.SearchOffersRequest { Subject = subject, AvailableInTerritory = "IN" }))
            .Offers.Select(o => o.Id).ToArray();

        // A window that opens later can be licensed now for a period inside it (RightsPolicy); one that has closed cannot.
        Assert.Equal([window.Id], await Available());
        f.Clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));
        Assert.Equal([window.Id], await Available());
        f.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([window.Id, underEmbargo.Id], await Available());
        f.Clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));
        Assert.Equal([window.Id, underEmbargo.Id], await Available());
        f.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([underEmbargo.Id], await Available());
    }

    [Fact]
    public async Task Creation_period_bounds_are_half_open()
    {
        var subject = ExchangeFixture.UniqueSubject();
        var now = DateTime.UtcNow;
        var old = ExchangeFixture.NewOffer(subject);
        old.FirstCreateTime = Timestamp.FromDateTime(now.AddDays(-10));
        var older = await f.PublishAsync(f.Kenya, old);
        var recent = ExchangeFixture.NewOffer(subject);
        recent.FirstCreateTime = Timestamp.FromDateTime(now.AddDays(-1));
        var newer = await f.PublishAsync(f.Kenya, recent);

        async Task<string[]> Created(DateTime? from, DateTime? to)
        {
            var period = new CommonV1.TimeInterval();
            if (from is { } start)
            {
                period.StartTime = Timestamp.FromDateTime(start);
            }

            if (to is { } end)
            {
                period.EndTime = Timestamp.FromDateTime(end);
            }

            return (await f.Exchange.Catalogue(f.India).SearchOffersAsync(new V1.SearchOffersRequest { Subject = subject, Created = period }))
                .Offers.Select(o => o.Id).ToArray();
        }

        Assert.Equal([newer.Id], await Created(now.AddDays(-5), null));
        Assert.Equal([older.Id], await Created(null, now.AddDays(-5)));
        Assert.Equal([newer.Id, older.Id], await Created(now.AddDays(-10), now));
        Assert.Equal([newer.Id], await Created(now.AddDays(-10).AddTicks(10), now));
        Assert.Empty(await Created(now.AddDays(-30), now.AddDays(-10)));
    }
}
