using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Exchange.Tests;

/// <summary>
/// One upload at a time per rendition: real concurrent streams on one rendition (two at once, a stalled
/// one and its resumption, two restarts of a FAILED rendition, two replicas on one PostgreSQL database).
/// The loser is refused with FAILED_PRECONDITION and the winner's own result stands.
/// </summary>
[Collection("exchange")]
public sealed class UploadConcurrencyTests(ExchangeFixture f)
{
    private const int Chunk = 256 * 1024;
    private const long Size = 4L * 1024 * 1024;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(2);
    private static readonly DeterministicContent Content = new(Size, seed: 1010);

    // Held bytes are only what was fsynced (the object's marker, written when an upload opens, says so),
    // so the hosts commit every chunk: what a test has sent is held as soon as the server has written it.
    private static readonly string CommitEveryChunk = Chunk.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private ExchangeHost NewHost() =>
        (ExchangeHost)new ExchangeHost(f.Organization, f.Initiative)
            .WithSetting("MediaMesh:Exchange:UploadLease", Lease.ToString("c", System.Globalization.CultureInfo.InvariantCulture))
            .WithSetting("MediaMesh:Media:CommitEveryBytes", CommitEveryChunk);

    /// <summary>A host that is replica <paramref name="replica"/>, with a lease far longer than the test: only knowing its holder frees it early.</summary>
    private ExchangeHost ReplicaHost(string replica, ExchangeHost? sharingWith = null)
    {
        var host = (ExchangeHost)new ExchangeHost(f.Organization, f.Initiative)
            .WithSetting("MediaMesh:Exchange:UploadLease", "00:01:00")
            .WithSetting("MediaMesh:Media:CommitEveryBytes", CommitEveryChunk)
            .WithSetting("MediaMesh:Instance:Name", replica);
        if (sharingWith is not null)
        {
            // One database and media folder, as replicas share a store in production.
            host.WithSetting("MediaMesh:DataDirectory", sharingWith.DataDirectory);
            if (sharingWith.PostgresConnectionString is { } database)
            {
                host.UsePostgres(database);
            }
        }

        return host;
    }

    private async Task<string> DeclareAsync(ExchangeHost host)
    {
        var draft = (await host.Offers(f.Kenya).CreateOfferAsync(new V1.CreateOfferRequest { Offer = ExchangeFixture.NewOffer() })).Offer;
        return (await host.Media(f.Kenya).CreateRenditionAsync(new V1.CreateRenditionRequest
        {
            Rendition = new V1.Rendition
            {
                OfferId = draft.Id, Kind = V1.RenditionKind.BroadcastMaster, FileName = "master.mxf", MimeType = "application/mxf",
                SizeBytes = Size, Sha256 = Content.Sha256Hex(),
            },
        })).Rendition.Id;
    }

    /// <summary>An upload stream, sent piece by piece by the test.</summary>
    private sealed class Upload(AsyncClientStreamingCall<V1.UploadRenditionRequest, V1.UploadRenditionResponse> call, DeterministicContent content, long offset) : IDisposable
    {
        public long Sent { get; private set; } = offset;

        public static async Task<Upload> StartAsync(V1.MediaService.MediaServiceClient media, string renditionId, long offset, DeterministicContent? content = null)
        {
            var call = media.UploadRendition();
            await call.RequestStream.WriteAsync(new V1.UploadRenditionRequest { Target = new V1.UploadTarget { RenditionId = renditionId, Offset = offset } });
            return new Upload(call, content ?? Content, offset);
        }

        /// <summary>Sends up to <paramref name="chunks"/> chunks; false if the server already ended the call.</summary>
        public async Task<bool> SendAsync(int chunks = int.MaxValue)
        {
            var buffer = new byte[Chunk];
            try
            {
                for (var i = 0; i < chunks && Sent < content.Length; i++)
                {
                    var count = (int)Math.Min(Chunk, content.Length - Sent);
                    content.Fill(Sent, buffer.AsSpan(0, count));
                    await call.RequestStream.WriteAsync(new V1.UploadRenditionRequest { Data = ByteString.CopyFrom(buffer, 0, count) });
                    Sent += count;
                }

                return true;
            }
            catch (Exception ex) when (ex is RpcException or InvalidOperationException)
            {
                return false;
            }
        }

        /// <summary>Ends the request stream and returns the server's answer (or throws its refusal).</summary>
        public async Task<V1.Rendition> FinishAsync()
        {
            try
            {
                await call.RequestStream.CompleteAsync();
            }
            catch (Exception ex) when (ex is RpcException or InvalidOperationException)
            {
                // Already ended by the server: its status is in the response.
            }

            return (await call.ResponseAsync).Rendition;
        }

        public void Dispose() => call.Dispose();
    }

    private async Task WaitForHeldAsync(ExchangeHost host, string renditionId, long bytes)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while ((await host.Media(f.Kenya).GetRenditionAsync(new V1.GetRenditionRequest { Id = renditionId }, cancellationToken: timeout.Token)).Rendition.ReceivedBytes < bytes)
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    private static async Task<RpcException> RefusedAsync(Upload upload)
    {
        await upload.SendAsync(1);
        return await Assert.ThrowsAsync<RpcException>(upload.FinishAsync);
    }

    [Fact]
    public async Task Of_two_uploads_at_once_the_second_is_refused_and_the_first_completes()
    {
        await using var host = NewHost();
        var id = await DeclareAsync(host);
        var media = host.Media(f.Kenya);
        using var first = await Upload.StartAsync(media, id, 0);
        await first.SendAsync(2);
        await WaitForHeldAsync(host, id, 2 * Chunk);

        using var second = await Upload.StartAsync(media, id, 2 * Chunk);
        var refused = await RefusedAsync(second);

        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains("Another upload of rendition", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("retry after", refused.Status.Detail, StringComparison.Ordinal);
        Assert.True(await first.SendAsync());
        var done = await first.FinishAsync();
        Assert.Equal(V1.RenditionState.Complete, done.State);
        Assert.Equal(Size, done.ReceivedBytes);
    }

    [Fact]
    public async Task A_stalled_upload_loses_its_lease_the_resumed_one_completes_and_the_stalled_one_is_told_clearly()
    {
        await using var host = NewHost();
        var id = await DeclareAsync(host);
        var media = host.Media(f.Kenya);
        using var stalled = await Upload.StartAsync(media, id, 0);
        await stalled.SendAsync(2);
        await WaitForHeldAsync(host, id, 2 * Chunk);

        // Before the lease ends the rendition is still held.
        using (var early = await Upload.StartAsync(media, id, 2 * Chunk))
        {
            Assert.Equal(StatusCode.FailedPrecondition, (await RefusedAsync(early)).StatusCode);
        }

        await Task.Delay(Lease + TimeSpan.FromMilliseconds(500));
        using var resumed = await Upload.StartAsync(media, id, 2 * Chunk);
        Assert.True(await resumed.SendAsync());
        var done = await resumed.FinishAsync();
        Assert.Equal(V1.RenditionState.Complete, done.State);

        // The stalled stream wakes: it writes nothing and is told why, and the resumed upload's result stands.
        await stalled.SendAsync(1);
        var lost = await Assert.ThrowsAsync<RpcException>(stalled.FinishAsync);
        Assert.Equal(StatusCode.FailedPrecondition, lost.StatusCode);
        Assert.Contains("another upload took over", lost.Status.Detail, StringComparison.Ordinal);
        var stored = (await media.GetRenditionAsync(new V1.GetRenditionRequest { Id = id })).Rendition;
        Assert.Equal(V1.RenditionState.Complete, stored.State);
        Assert.Equal(Size, stored.ReceivedBytes);
    }

    [Fact]
    public async Task Two_restarts_of_a_failed_rendition_do_not_delete_each_others_bytes()
    {
        await using var host = NewHost();
        var id = await DeclareAsync(host);
        var media = host.Media(f.Kenya);
        using (var wrong = await Upload.StartAsync(media, id, 0, new DeterministicContent(Size, seed: 1)))
        {
            await wrong.SendAsync();
            Assert.Equal(StatusCode.DataLoss, (await Assert.ThrowsAsync<RpcException>(wrong.FinishAsync)).StatusCode);
        }

        using var first = await Upload.StartAsync(media, id, 0);
        await first.SendAsync(2);
        await WaitForHeldAsync(host, id, 2 * Chunk);
        using var second = await Upload.StartAsync(media, id, 0);
        var refused = await RefusedAsync(second);

        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains("Another upload of rendition", refused.Status.Detail, StringComparison.Ordinal);
        Assert.True(await first.SendAsync());
        Assert.Equal(V1.RenditionState.Complete, (await first.FinishAsync()).State);
    }

    [Fact]
    public async Task Restarts_racing_from_start_to_end_leave_one_complete_upload_and_a_clear_refusal()
    {
        await using var host = NewHost();
        var id = await DeclareAsync(host);
        var media = host.Media(f.Kenya);
        using (var wrong = await Upload.StartAsync(media, id, 0, new DeterministicContent(Size, seed: 2)))
        {
            await wrong.SendAsync();
            await Assert.ThrowsAsync<RpcException>(wrong.FinishAsync);
        }

        async Task<StatusCode> RestartAsync()
        {
            using var upload = await Upload.StartAsync(media, id, 0);
            await upload.SendAsync();
            try
            {
                return (await upload.FinishAsync()).State == V1.RenditionState.Complete ? StatusCode.OK : StatusCode.Unknown;
            }
            catch (RpcException ex)
            {
                return ex.StatusCode;
            }
        }

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(RestartAsync)));

        Assert.Single(outcomes, o => o == StatusCode.OK);
        Assert.All(outcomes.Where(o => o != StatusCode.OK), o => Assert.Equal(StatusCode.FailedPrecondition, o));
        var stored = (await media.GetRenditionAsync(new V1.GetRenditionRequest { Id = id })).Rendition;
        Assert.Equal(V1.RenditionState.Complete, stored.State);
        Assert.Equal(Size, stored.ReceivedBytes);
    }

    [Fact]
    public async Task Two_replicas_on_one_postgres_database_upload_one_rendition_one_at_a_time()
    {
        var database = await TestPostgres.CreateDatabaseAsync();
        try
        {
            await using var one = NewHost();
            one.UsePostgres(database);
            await using var two = NewHost();
            // The replicas share the database and the media folder, as they share a store in production.
            two.UsePostgres(database).WithSetting("MediaMesh:DataDirectory", one.DataDirectory);
            var id = await DeclareAsync(one);
            using var first = await Upload.StartAsync(one.Media(f.Kenya), id, 0);
            await first.SendAsync(2);
            await WaitForHeldAsync(one, id, 2 * Chunk);

            using var second = await Upload.StartAsync(two.Media(f.Kenya), id, 2 * Chunk);
            var refused = await RefusedAsync(second);

            Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
            Assert.Contains("Another upload of rendition", refused.Status.Detail, StringComparison.Ordinal);
            Assert.True(await first.SendAsync());
            Assert.Equal(V1.RenditionState.Complete, (await first.FinishAsync()).State);
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task A_restarted_replica_takes_over_its_dead_predecessors_lease_at_once_and_another_replica_is_told_when_to_retry()
    {
        // Process one of replica "exchange-a" holds the lease mid-upload and is never heard from again (as after kill -9:
        // its stream stays open here, so as far as the database knows the lease is held and renewed).
        await using var killed = ReplicaHost("exchange-a");
        var id = await DeclareAsync(killed);
        using var cut = await Upload.StartAsync(killed.Media(f.Kenya), id, 0);
        await cut.SendAsync(2);
        await WaitForHeldAsync(killed, id, 2 * Chunk);

        // Another replica cannot know whether that process is alive: refused, told when the lease runs out.
        await using var other = ReplicaHost("exchange-b", killed);
        using (var early = await Upload.StartAsync(other.Media(f.Kenya), id, 2 * Chunk))
        {
            var refused = await RefusedAsync(early);
            Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
            Assert.Equal("UPLOAD_IN_PROGRESS", Assert.Single(refused.GetRpcStatus()!.GetDetail<PreconditionFailure>()!.Violations).Type);
            var retry = refused.GetRpcStatus()!.GetDetail<RetryInfo>()?.RetryDelay?.ToTimeSpan();
            Assert.NotNull(retry);
            Assert.InRange(retry.Value, TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(61));
        }

        // The same replica started again is the predecessor's only successor: it takes the lease over at once.
        await using var restarted = ReplicaHost("exchange-a", killed);
        using var resumed = await Upload.StartAsync(restarted.Media(f.Kenya), id, 2 * Chunk);
        Assert.True(await resumed.SendAsync());
        var done = await resumed.FinishAsync();
        Assert.Equal(V1.RenditionState.Complete, done.State);
        Assert.Equal(Size, done.ReceivedBytes);
    }
}
