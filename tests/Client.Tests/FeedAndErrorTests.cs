using MediaMesh.Client.Feed;
using MediaMesh.Contracts.Common.V1;
using MediaMesh.Contracts.Exchange.V1;
using MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Client.Tests;

[Collection(nameof(ClientMeshCollection))]
public sealed class FeedAndErrorTests(ClientMesh mesh)
{
    [Fact]
    public async Task The_feed_follower_resumes_from_its_saved_cursor_across_runs_and_a_cut_stream_without_loss_or_duplicates()
    {
        var member = await mesh.NewMemberAsync();
        using var owner = mesh.Client(member.ApiKey);
        var first = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            first.Add((await Offers.PublishedAsync(owner, Offers.Slug())).Id);
        }

        var folder = Offers.TempFolder();
        var store = new FileCursorStore(Path.Combine(folder, "feed.cursor"));
        var mine = new List<(long Cursor, string OfferId)>();

        // Run 1: from the beginning until the three items arrived, then stop (the process ends).
        using (var follower = mesh.Client(member.ApiKey))
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await follower.FollowFeedAsync(store, (e, _) =>
            {
                if (e.Offer.OwnerId == member.OrganizationId)
                {
                    mine.Add((e.Cursor, e.Offer.Id));
                    if (mine.Count == 3)
                    {
                        stop.Cancel();
                    }
                }

                return Task.CompletedTask;
            }, new FeedFollowOptions(), stop.Token);
        }

        Assert.Equal(first, mine.Select(m => m.OfferId));
        Assert.Equal(mine[^1].Cursor, await store.LoadAsync(CancellationToken.None));

        // While nobody listens, three more items; run 2 resumes from the file through a stream cut once.
        var second = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            second.Add((await Offers.PublishedAsync(owner, Offers.Slug())).Id);
        }

        var cutter = new CuttingHandler("/SubscribeFeed", cutAfterBytes: 300, cutResponse: true);
        var reconnects = 0;
        var seen = new List<(long Cursor, string OfferId)>();
        using (var follower = mesh.Client(member.ApiKey, cutter))
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await follower.FollowFeedAsync(store, (e, _) =>
            {
                if (e.Offer.OwnerId == member.OrganizationId)
                {
                    seen.Add((e.Cursor, e.Offer.Id));
                    if (seen.Count == 3)
                    {
                        stop.Cancel();
                    }
                }

                return Task.CompletedTask;
            }, new FeedFollowOptions { OnReconnect = (_, _) => reconnects++ }, stop.Token);
        }

        Assert.Equal(1, cutter.Cuts);
        Assert.Equal(1, reconnects);
        Assert.Equal(second, seen.Select(s => s.OfferId));
        Assert.True(seen[0].Cursor > mine[^1].Cursor);
        Assert.Equal(seen.Select(s => s.Cursor).Distinct().Count(), seen.Count);
        Directory.Delete(folder, true);
    }

    [Fact]
    public async Task A_handler_failure_stops_the_follower_and_the_event_comes_again_next_time()
    {
        var member = await mesh.NewMemberAsync();
        using var owner = mesh.Client(member.ApiKey);
        var offer = await Offers.PublishedAsync(owner, Offers.Slug());
        var store = new MemoryCursorStore();
        using var follower = mesh.Client(member.ApiKey);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => follower.FollowFeedAsync(store, (e, _) =>
            e.Offer.Id == offer.Id ? throw new InvalidOperationException("not processed") : Task.CompletedTask, cancellationToken: timeout.Token));
        Assert.Equal("not processed", failure.Message);
        var saved = store.Cursor;

        string? again = null;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await follower.FollowFeedAsync(store, (e, _) =>
        {
            again ??= e.Offer.Id;
            stop.Cancel();
            return Task.CompletedTask;
        }, cancellationToken: stop.Token);
        Assert.Equal(offer.Id, again);
        Assert.True(store.Cursor > saved);
    }

    [Fact]
    public async Task Refusals_surface_as_MediaMeshException_with_the_decoded_details()
    {
        using var coordinator = mesh.Client(mesh.Coordinator.ApiKey);
        var invalid = await Assert.ThrowsAsync<MediaMeshException>(() => coordinator.Organizations.CreateOrganizationAsync(new CreateOrganizationRequest
        {
            Organization = new Organization { Kind = OrganizationKind.Broadcaster, CountryCode = "ZZ", Names = { new LocalizedText { Language = "en", Text = "X", Original = true } } },
        }).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Contains(invalid.FieldViolations, v => v.Field == "organization.country_code");

        var missing = await Assert.ThrowsAsync<MediaMeshException>(() => coordinator.Offers.GetOfferAsync(new GetOfferRequest { Id = "off_missing" }).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.NotFound, missing.StatusCode);
        Assert.NotNull(missing.ResourceInfo);

        var member = await mesh.NewMemberAsync();
        using var client = mesh.Client(member.ApiKey);
        var denied = await Assert.ThrowsAsync<MediaMeshException>(() => client.Organizations.CreateOrganizationAsync(new CreateOrganizationRequest
        {
            Organization = new Organization
            {
                Kind = OrganizationKind.Broadcaster, CountryCode = "KE", WorkingLanguages = { "en" },
                Names = { new LocalizedText { Language = "en", Text = "Not allowed", Original = true } },
            },
        }).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.PermissionDenied, denied.StatusCode);

        var offer = await Offers.PublishedAsync(client, Offers.Slug());
        var other = await mesh.NewMemberAsync("BR");
        using var requester = mesh.Client(other.ApiKey);
        var refused = await Assert.ThrowsAsync<MediaMeshException>(() => requester.Licensing.RequestLicenceAsync(new RequestLicenceRequest
        {
            OfferId = offer.Id, Uses = { UsageKind.Social }, Territories = { "BR" },
            Period = new TimeInterval { StartTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow) },
        }).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.NotEmpty(refused.PreconditionViolations);
    }

    [Fact]
    public async Task Paginated_lists_read_every_page_as_an_async_sequence()
    {
        var member = await mesh.NewMemberAsync();
        using var owner = mesh.Client(member.ApiKey);
        var ids = new HashSet<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await Offers.DraftAsync(owner, Offers.Slug())).Id);
        }

        var listed = await owner.Offers.ListAllAsync(new ListOffersRequest { PageSize = 2 }).Select(o => o.Id).ToListAsync();
        Assert.Equal(5, listed.Count);
        Assert.True(ids.SetEquals(listed));
    }
}
