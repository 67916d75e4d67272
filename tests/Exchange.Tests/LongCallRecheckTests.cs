using System.Diagnostics;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Core.Interceptors;
using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using V1 = MediaMesh.Contracts.Exchange.V1;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Exchange.Tests;

/// <summary>
/// Long calls are judged again while they run: a feed ends when its key is revoked, its organisation
/// suspended or its coordinator role removed; a download ends when the item is killed, the licence
/// ends or the item expires; each feed event is judged with the subscriber's standing now.
/// </summary>
[Collection("exchange")]
public sealed class LongCallRecheckTests(ExchangeFixture f)
{
    private const int DownloadChunk = 16 * 1024;

    /// <summary>A stream ends within the re-check interval plus the feed's poll, with margin for a busy machine.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static CallInvoker WithToken(ExchangeHost host, string token) =>
        host.CreateChannel().CreateCallInvoker().Intercept(headers =>
        {
            headers.Add("authorization", "Bearer " + token);
            return headers;
        });

    /// <summary>Waits for the first heartbeat (the feed runs), then makes the change and times how long the feed runs on.</summary>
    private static async Task<(RpcException Ended, TimeSpan After)> EndOfFeedAfterAsync(
        AsyncServerStreamingCall<V1.SubscribeFeedResponse> call, Func<Task> change, CancellationToken ct)
    {
        Assert.True(await call.ResponseStream.MoveNext(ct));
        await change();
        var watch = Stopwatch.StartNew();
        var ended = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(ct))
            {
            }
        });
        return (ended, watch.Elapsed);
    }

    [Fact]
    public async Task A_feed_ends_unauthenticated_when_its_key_is_revoked()
    {
        var member = await f.NewMemberAsync("KE");
        var org = f.Organization.ClientAs(member);
        var key = await org.CreateApiKeyAsync(new OrgV1.CreateApiKeyRequest { OrganizationId = member, DisplayName = "feed reader" });
        var token = f.Exchange.IssueToken(member, CallerRoles.Member, key.ApiKey.Id);
        using var timeout = new CancellationTokenSource(Patience);
        using var call = new V1.CatalogueService.CatalogueServiceClient(WithToken(f.Exchange, token))
            .SubscribeFeed(new V1.SubscribeFeedRequest(), cancellationToken: timeout.Token);

        var (ended, after) = await EndOfFeedAfterAsync(call,
            () => org.RevokeApiKeyAsync(new OrgV1.RevokeApiKeyRequest { OrganizationId = member, Id = key.ApiKey.Id }).ResponseAsync, timeout.Token);

        Assert.Equal(StatusCode.Unauthenticated, ended.StatusCode);
        Assert.Contains("revoked", ended.Status.Detail, StringComparison.Ordinal);
        Assert.True(after < Bound, $"the feed ran on for {after}");
    }

    [Fact]
    public async Task A_feed_ends_permission_denied_when_its_organisation_is_suspended()
    {
        var member = await f.NewMemberAsync("GH");
        using var timeout = new CancellationTokenSource(Patience);
        using var call = f.Exchange.Catalogue(member).SubscribeFeed(new V1.SubscribeFeedRequest(), cancellationToken: timeout.Token);

        var (ended, after) = await EndOfFeedAfterAsync(call,
            () => f.Organization.Coordinator.SuspendOrganizationAsync(new OrgV1.SuspendOrganizationRequest { Id = member }).ResponseAsync, timeout.Token);

        Assert.Equal(StatusCode.PermissionDenied, ended.StatusCode);
        Assert.Contains("no longer active", ended.Status.Detail, StringComparison.Ordinal);
        Assert.True(after < Bound, $"the feed ran on for {after}");
    }

    [Fact]
    public async Task A_coordinators_feed_ends_permission_denied_when_the_role_is_removed()
    {
        // Two coordinators: the role can only be taken from one while another remains.
        var keeper = await f.NewMemberAsync("EG");
        var coordinator = await f.NewMemberAsync("IN");
        foreach (var id in new[] { keeper, coordinator })
        {
            await f.Organization.Coordinator.SetOrganizationRoleAsync(new OrgV1.SetOrganizationRoleRequest { Id = id, Role = OrgV1.OrganizationRole.Coordinator });
        }

        using var timeout = new CancellationTokenSource(Patience);
        using var call = new V1.CatalogueService.CatalogueServiceClient(f.Exchange.As(coordinator, CallerRoles.Coordinator))
            .SubscribeFeed(new V1.SubscribeFeedRequest(), cancellationToken: timeout.Token);

        var (ended, after) = await EndOfFeedAfterAsync(call,
            () => f.Organization.Coordinator.SetOrganizationRoleAsync(new OrgV1.SetOrganizationRoleRequest { Id = coordinator, Role = OrgV1.OrganizationRole.Member }).ResponseAsync,
            timeout.Token);

        Assert.Equal(StatusCode.PermissionDenied, ended.StatusCode);
        Assert.Contains("coordinator role was removed", ended.Status.Detail, StringComparison.Ordinal);
        Assert.True(after < Bound, $"the feed ran on for {after}");
    }

    /// <summary>
    /// Waits for the feed's first heartbeat: the service has then taken its starting cursor. A call returns before
    /// the service has started it, and an offer published meanwhile is already behind that cursor (the feed then
    /// never sends it: seen on PostgreSQL under CI load).
    /// </summary>
    private static async Task FeedRunningAsync(AsyncServerStreamingCall<V1.SubscribeFeedResponse> call, CancellationToken ct)
    {
        Assert.True(await call.ResponseStream.MoveNext(ct));
        Assert.NotNull(call.ResponseStream.Current.Heartbeat);
    }

    /// <summary>Reads events until one of <paramref name="marker"/> arrives; returns (type, offer) of each.</summary>
    private static async Task<List<(V1.FeedEventType Type, string OfferId)>> ReadUntilAsync(
        AsyncServerStreamingCall<V1.SubscribeFeedResponse> call, string marker, CancellationToken ct)
    {
        var events = new List<(V1.FeedEventType, string)>();
        var heartbeats = 0;
        long lastCursor = 0;
        var watch = Stopwatch.StartNew();
        try
        {
            while (await call.ResponseStream.MoveNext(ct))
            {
                if (call.ResponseStream.Current.Event is { } e)
                {
                    events.Add((e.Type, e.Offer.Id));
                    if (e.Offer.Id == marker)
                    {
                        return events;
                    }
                }
                else if (call.ResponseStream.Current.Heartbeat is { } beat)
                {
                    heartbeats++;
                    lastCursor = beat.LatestCursor;
                }
            }
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && ct.IsCancellationRequested)
        {
            // Says what the feed did meanwhile (a feed that went quiet and one that kept beating fail differently).
            throw new TimeoutException(
                $"No event of {marker} after {watch.Elapsed}: heard [{string.Join(", ", events)}], {heartbeats} heartbeat(s), the last at cursor {lastCursor}.", e);
        }

        throw new InvalidOperationException("The feed ended before the marker arrived.");
    }

    [Fact]
    public async Task A_requester_whose_country_a_correction_denied_still_hears_the_later_kill()
    {
        var subject = ExchangeFixture.UniqueSubject();
        var member = await f.NewMemberAsync("KE");
        using var timeout = new CancellationTokenSource(Patience);
        using var call = f.Exchange.Catalogue(member).SubscribeFeed(
            new V1.SubscribeFeedRequest { Filter = new V1.FeedFilter { Subjects = { subject } } }, cancellationToken: timeout.Token);

        await FeedRunningAsync(call, timeout.Token);
        var offer = await f.PublishAsync(f.Ghana, ExchangeFixture.NewOffer(subject));
        await f.Exchange.Licensing(member).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["KE"]));
        var correction = offer.Clone();
        correction.Rights.DeniedTerritories = new V1.Territories { CountryCodes = { "KE" } };
        var corrected = (await f.Exchange.Offers(f.Ghana).CorrectOfferAsync(new V1.CorrectOfferRequest
        {
            Offer = correction, UpdateMask = FieldMask.FromString("rights"), CorrectionNote = "not for Kenya after all",
        })).Offer;
        await f.Exchange.Offers(f.Ghana).KillOfferAsync(new V1.KillOfferRequest { Id = offer.Id, Etag = corrected.Etag, Reason = "legal" });
        var marker = await f.PublishAsync(f.Ghana, ExchangeFixture.NewOffer(subject));

        var heard = await ReadUntilAsync(call, marker.Id, timeout.Token);

        Assert.Equal(
            [(V1.FeedEventType.New, offer.Id), (V1.FeedEventType.Corrected, offer.Id), (V1.FeedEventType.Killed, offer.Id), (V1.FeedEventType.New, marker.Id)],
            heard);
    }

    [Fact]
    public async Task A_member_moved_to_a_denied_country_stops_hearing_of_items_it_may_not_take()
    {
        var subject = ExchangeFixture.UniqueSubject();
        var member = await f.NewMemberAsync("KE");
        var notForEgypt = ExchangeFixture.Rights();
        notForEgypt.DeniedTerritories = new V1.Territories { CountryCodes = { "EG" } };
        using var timeout = new CancellationTokenSource(Patience);
        using var call = f.Exchange.Catalogue(member).SubscribeFeed(
            new V1.SubscribeFeedRequest { Filter = new V1.FeedFilter { Subjects = { subject } } }, cancellationToken: timeout.Token);

        await FeedRunningAsync(call, timeout.Token);
        var before = await f.PublishAsync(f.Ghana, ExchangeFixture.NewOffer(subject, notForEgypt));
        Assert.Equal([(V1.FeedEventType.New, before.Id)], await ReadUntilAsync(call, before.Id, timeout.Token));

        var profile = (await f.Organization.Coordinator.GetOrganizationAsync(new OrgV1.GetOrganizationRequest { Id = member })).Organization;
        await f.Organization.Coordinator.UpdateOrganizationAsync(new OrgV1.UpdateOrganizationRequest
        {
            Organization = new OrgV1.Organization { Id = member, Etag = profile.Etag, CountryCode = "EG" },
            UpdateMask = FieldMask.FromString("country_code"),
        });
        // Long enough for the feed's re-check to have run (interval plus a poll of the log).
        await Task.Delay(ExchangeHost.StandingRecheckInterval * 4, timeout.Token);
        var after = await f.PublishAsync(f.Ghana, ExchangeFixture.NewOffer(subject, notForEgypt));
        var marker = await f.PublishAsync(f.Ghana, ExchangeFixture.NewOffer(subject));

        Assert.Equal([(V1.FeedEventType.New, marker.Id)], await ReadUntilAsync(call, marker.Id, timeout.Token));
        Assert.NotEqual(before.Id, after.Id);
    }

    /// <summary>A complete rendition of <paramref name="size"/> deterministic bytes on a new published offer of <paramref name="owner"/> on <paramref name="host"/>.</summary>
    private static async Task<(V1.Offer Offer, V1.Rendition Rendition)> LargeRenditionAsync(ExchangeHost host, string owner, V1.Offer offer, long size)
    {
        var content = new DeterministicContent(size, seed: 610);
        var media = host.Media(owner);
        var draft = (await host.Offers(owner).CreateOfferAsync(new V1.CreateOfferRequest { Offer = offer })).Offer;
        var rendition = (await media.CreateRenditionAsync(new V1.CreateRenditionRequest
        {
            Rendition = new V1.Rendition
            {
                OfferId = draft.Id, Kind = V1.RenditionKind.BroadcastMaster, FileName = "master.mxf", MimeType = "application/mxf",
                SizeBytes = size, Sha256 = content.Sha256Hex(),
            },
        })).Rendition;
        using (var upload = media.UploadRendition())
        {
            await upload.RequestStream.WriteAsync(new V1.UploadRenditionRequest { Target = new V1.UploadTarget { RenditionId = rendition.Id } });
            await foreach (var chunk in content.Chunks(0, 256 * 1024))
            {
                await upload.RequestStream.WriteAsync(new V1.UploadRenditionRequest { Data = ByteString.CopyFrom(chunk.Span) });
            }

            await upload.RequestStream.CompleteAsync();
            Assert.Equal(V1.RenditionState.Complete, (await upload.ResponseAsync).Rendition.State);
        }

        var published = (await host.Offers(owner).PublishOfferAsync(new V1.PublishOfferRequest { Id = draft.Id })).Offer;
        return (published, rendition);
    }

    /// <summary>Reads the first chunk, makes the change, then reads on: the download must end with a refusal before its end.</summary>
    private static async Task<(RpcException Ended, long Received)> EndOfDownloadAfterAsync(
        V1.MediaService.MediaServiceClient media, string renditionId, long size, Func<Task> change)
    {
        using var timeout = new CancellationTokenSource(Patience);
        using var call = media.DownloadRendition(new V1.DownloadRenditionRequest { Id = renditionId, ChunkSize = DownloadChunk }, cancellationToken: timeout.Token);
        Assert.True(await call.ResponseStream.MoveNext(timeout.Token));
        long received = call.ResponseStream.Current.Data.Length;
        await change();
        var ended = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(timeout.Token))
            {
                received += call.ResponseStream.Current.Data.Length;
            }
        });
        Assert.True(received < size, $"the whole file ({received} bytes) was sent");
        return (ended, received);
    }

    [Fact]
    public async Task A_download_ends_when_the_item_is_killed_mid_stream()
    {
        const long Size = 32L * 1024 * 1024;
        var (offer, rendition) = await LargeRenditionAsync(f.Exchange, f.Kenya, ExchangeFixture.NewOffer(rights: ExchangeFixture.Rights(V1.ApprovalMode.Auto)), Size);
        await f.Exchange.Licensing(f.India).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["IN"]));

        var (ended, _) = await EndOfDownloadAfterAsync(f.Exchange.Media(f.India), rendition.Id, Size,
            () => f.Exchange.Offers(f.Kenya).KillOfferAsync(new V1.KillOfferRequest { Id = offer.Id, Reason = "court order" }).ResponseAsync);

        // The refusal a new download gets.
        Assert.Equal(StatusCode.FailedPrecondition, ended.StatusCode);
        Assert.Contains("killed", ended.Status.Detail, StringComparison.Ordinal);
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => MediaTests.DownloadAsync(f.Exchange.Media(f.India), rendition.Id));
    }

    [Fact]
    public async Task A_download_ends_when_the_licence_period_ends_mid_stream()
    {
        const long Size = 16L * 1024 * 1024;
        var host = f.ClockedExchange;
        var now = f.Clock.GetUtcNow().UtcDateTime;
        var (offer, rendition) = await LargeRenditionAsync(host, f.Kenya, ExchangeFixture.NewOffer(rights: ExchangeFixture.Rights(V1.ApprovalMode.Auto)), Size);
        await host.Licensing(f.India).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["IN"], start: now.AddMinutes(-5), end: now.AddHours(1)));

        var (ended, _) = await EndOfDownloadAfterAsync(host.Media(f.India), rendition.Id, Size, () =>
        {
            f.Clock.Advance(TimeSpan.FromHours(2));
            return Task.CompletedTask;
        });

        Assert.Equal(StatusCode.FailedPrecondition, ended.StatusCode);
        Assert.Contains("in force", ended.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_download_ends_when_the_item_expires_mid_stream()
    {
        const long Size = 16L * 1024 * 1024;
        var host = f.ClockedExchange;
        var now = f.Clock.GetUtcNow().UtcDateTime;
        var expiring = ExchangeFixture.NewOffer(rights: ExchangeFixture.Rights(V1.ApprovalMode.Auto));
        expiring.ExpireTime = Timestamp.FromDateTime(now.AddHours(1));
        var (offer, rendition) = await LargeRenditionAsync(host, f.Kenya, expiring, Size);
        await host.Licensing(f.India).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["IN"], start: now.AddMinutes(-5), end: now.AddHours(1)));

        var (ended, _) = await EndOfDownloadAfterAsync(host.Media(f.India), rendition.Id, Size, () =>
        {
            f.Clock.Advance(TimeSpan.FromMinutes(90));
            return Task.CompletedTask;
        });

        Assert.Equal(StatusCode.FailedPrecondition, ended.StatusCode);
        Assert.Contains("expired", ended.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_download_ends_when_the_organisation_is_suspended_mid_stream()
    {
        const long Size = 16L * 1024 * 1024;
        var licensee = await f.NewMemberAsync("IN");
        var (offer, rendition) = await LargeRenditionAsync(f.Exchange, f.Kenya, ExchangeFixture.NewOffer(rights: ExchangeFixture.Rights(V1.ApprovalMode.Auto)), Size);
        await f.Exchange.Licensing(licensee).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["IN"]));

        // A slow reader: the standing is re-checked by time, not only by chunks.
        using var timeout = new CancellationTokenSource(Patience);
        using var call = f.Exchange.Media(licensee).DownloadRendition(new V1.DownloadRenditionRequest { Id = rendition.Id, ChunkSize = DownloadChunk }, cancellationToken: timeout.Token);
        Assert.True(await call.ResponseStream.MoveNext(timeout.Token));
        await f.Organization.Coordinator.SuspendOrganizationAsync(new OrgV1.SuspendOrganizationRequest { Id = licensee });
        var ended = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(timeout.Token))
            {
                await Task.Delay(20, timeout.Token);
            }
        });

        Assert.Equal(StatusCode.PermissionDenied, ended.StatusCode);
        Assert.Contains("no longer active", ended.Status.Detail, StringComparison.Ordinal);
    }
}
