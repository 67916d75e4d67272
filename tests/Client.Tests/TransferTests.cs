using System.Diagnostics;
using System.Net;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using MediaMesh.Client.Transfers;
using MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Client.Tests;

/// <summary>Uploads and downloads through the gateway survive a cut connection, resume from the right byte and verify.</summary>
[Collection(nameof(ClientMeshCollection))]
public sealed class TransferTests(ClientMesh mesh)
{
    private const int MiB = 1024 * 1024;

    private sealed class Recorder : IProgress<TransferProgress>
    {
        public List<TransferProgress> Reports { get; } = [];

        public void Report(TransferProgress value)
        {
            lock (Reports)
            {
                Reports.Add(value);
            }
        }
    }

    [Fact]
    public async Task An_upload_cut_mid_way_resumes_from_the_bytes_the_server_holds_and_verifies()
    {
        var member = await mesh.NewMemberAsync();
        var cutter = new CuttingHandler("/UploadRendition", cutAfterBytes: 3 * MiB, cutResponse: false)
        {
            // The link breaks a moment after 3 MiB went out, once the server has stored what reached it.
            BeforeCut = () => Task.Delay(TimeSpan.FromSeconds(2)),
        };
        using var owner = mesh.Client(member.ApiKey, cutter);
        var draft = await Offers.DraftAsync(owner, Offers.Slug());
        var folder = Offers.TempFolder();
        var path = Offers.WriteFile(folder, "master.mp4", (8 * MiB) + 4321, seed: 7);
        var progress = new Recorder();

        var rendition = await owner.UploadFileAsync(draft.Id, path, new RenditionDeclaration(RenditionKind.BroadcastMaster, "video/mp4"), progress);

        Assert.Equal(1, cutter.Cuts);
        Assert.Equal(2, cutter.Calls); // the cut call and one resumed call
        Assert.Equal(RenditionState.Complete, rendition.State);
        Assert.Equal(Offers.Sha256(path), rendition.Sha256);
        Assert.Equal(new FileInfo(path).Length, rendition.ReceivedBytes);
        Assert.Contains(progress.Reports, p => p.Phase == TransferPhase.Resuming);
        // The attempt that finished started from the bytes the server held, not from zero.
        var lastAttempt = progress.Reports.Where(p => p.Phase == TransferPhase.Transferring).Max(p => p.Attempt);
        var finalStart = progress.Reports.First(p => p.Phase == TransferPhase.Transferring && p.Attempt == lastAttempt);
        Assert.True(lastAttempt > 1);
        Assert.InRange(finalStart.BytesDone, 1, 3 * MiB);
        Assert.Contains(progress.Reports, p => p.Phase == TransferPhase.Completed);
        Directory.Delete(folder, true);
    }

    [Fact]
    public async Task A_download_cut_mid_way_resumes_the_partial_file_and_gives_the_right_sha256()
    {
        var (renditionId, source, folder) = await UploadedAsync(6 * MiB + 77);
        var licensee = await LicenseeAsync(renditionId);
        var cutter = new CuttingHandler("/DownloadRendition", cutAfterBytes: 2 * MiB, cutResponse: true);
        using var client = mesh.Client(licensee, cutter);
        var target = Path.Combine(folder, "copy.mp4");
        var progress = new Recorder();

        var rendition = await client.DownloadFileAsync(renditionId, target, progress);

        Assert.Equal(1, cutter.Cuts);
        Assert.Equal(2, cutter.Calls); // the cut call and one resumed call
        Assert.Equal(Offers.Sha256(source), Offers.Sha256(target));
        Assert.Equal(rendition.Sha256, Offers.Sha256(target));
        Assert.False(File.Exists(RenditionDownloader.PartialPath(target)));
        Assert.Contains(progress.Reports, p => p.Phase == TransferPhase.Resuming && p.BytesDone > 0);
        Directory.Delete(folder, true);
    }

    [Fact]
    public async Task A_download_continues_a_partial_file_left_by_an_earlier_run_and_refuses_a_corrupt_one()
    {
        var (renditionId, source, folder) = await UploadedAsync(3 * MiB + 5);
        var licensee = await LicenseeAsync(renditionId);
        using var client = mesh.Client(licensee);
        var target = Path.Combine(folder, "copy.mp4");
        var partial = RenditionDownloader.PartialPath(target);
        var bytes = await File.ReadAllBytesAsync(source);
        await File.WriteAllBytesAsync(partial, bytes.AsSpan(0, MiB + 3).ToArray());

        await client.DownloadFileAsync(renditionId, target);
        Assert.Equal(Offers.Sha256(source), Offers.Sha256(target));

        // A partial file whose bytes are not the rendition's: an error, never a silently bad file.
        var corrupt = bytes.AsSpan(0, MiB).ToArray();
        corrupt[1000] ^= 0xFF;
        var second = Path.Combine(folder, "second.mp4");
        await File.WriteAllBytesAsync(RenditionDownloader.PartialPath(second), corrupt);
        var error = await Assert.ThrowsAsync<MediaMeshException>(() => client.DownloadFileAsync(renditionId, second));
        Assert.Equal(Grpc.Core.StatusCode.DataLoss, error.StatusCode);
        Assert.False(File.Exists(second));
        Assert.False(File.Exists(RenditionDownloader.PartialPath(second)));
        Directory.Delete(folder, true);
    }

    [Fact]
    public async Task Re_running_an_upload_after_the_process_died_continues_the_declared_rendition()
    {
        var member = await mesh.NewMemberAsync();
        using var owner = mesh.Client(member.ApiKey);
        var draft = await Offers.DraftAsync(owner, Offers.Slug());
        var folder = Offers.TempFolder();
        var path = Offers.WriteFile(folder, "master.mp4", 4 * MiB, seed: 11);

        // The first run dies after 1 MiB: it gives up at once (one attempt) when the connection is cut.
        var dying = new CuttingHandler("/UploadRendition", MiB, cutResponse: false, cuts: 10);
        using (var first = mesh.Client(member.ApiKey, dying))
        {
            var uploader = new RenditionUploader(first, new TransferOptions { MaxAttemptsWithoutProgress = 1 });
            await Assert.ThrowsAnyAsync<Exception>(() => uploader.UploadAsync(draft.Id, path, new RenditionDeclaration(RenditionKind.BroadcastMaster, "video/mp4")));
        }

        var rendition = await owner.UploadFileAsync(draft.Id, path, new RenditionDeclaration(RenditionKind.BroadcastMaster, "video/mp4"));
        var offer = (await owner.Offers.GetOfferAsync(new GetOfferRequest { Id = draft.Id })).Offer;
        Assert.Single(offer.Renditions);
        Assert.Equal(RenditionState.Complete, rendition.State);
        Assert.Equal(offer.Renditions[0].Id, rendition.Id);
        Directory.Delete(folder, true);
    }

    [Fact]
    public async Task A_resume_refused_while_another_stream_holds_the_lease_waits_the_time_the_server_gives_and_completes()
    {
        var member = await mesh.NewMemberAsync();
        var wait = TimeSpan.FromMilliseconds(1500);
        var lease = new LeaseHeldHandler(wait);
        using var owner = mesh.Client(member.ApiKey, lease);
        var draft = await Offers.DraftAsync(owner, Offers.Slug());
        var folder = Offers.TempFolder();
        var path = Offers.WriteFile(folder, "master.mp4", (2 * MiB) + 99, seed: 13);
        var progress = new Recorder();
        var clock = Stopwatch.StartNew();

        // The default options: one refusal must not count as a reason to give up, and the back-off is the server's.
        var rendition = await owner.UploadFileAsync(draft.Id, path, new RenditionDeclaration(RenditionKind.BroadcastMaster, "video/mp4"), progress);

        Assert.Equal(2, lease.Calls); // refused once, resumed once
        Assert.Equal(RenditionState.Complete, rendition.State);
        Assert.Equal(Offers.Sha256(path), rendition.Sha256);
        Assert.Contains(progress.Reports, p => p.Phase == TransferPhase.Resuming);
        Assert.True(clock.Elapsed >= wait, $"resumed after {clock.Elapsed}, before the {wait} the server asked for");
        Directory.Delete(folder, true);
    }

    /// <summary>
    /// Answers the first upload stream as the exchange does while another stream holds the rendition's lease:
    /// FAILED_PRECONDITION (UPLOAD_IN_PROGRESS) with RetryInfo, as a trailers-only response; then passes calls on.
    /// </summary>
    private sealed class LeaseHeldHandler(TimeSpan retryAfter) : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _calls;

        /// <summary>Upload streams seen: the refused one, then the ones passed on.</summary>
        public int Calls => Volatile.Read(ref _calls);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri?.AbsolutePath.EndsWith("/UploadRendition", StringComparison.Ordinal) != true || Interlocked.Increment(ref _calls) > 1)
            {
                return await base.SendAsync(request, cancellationToken);
            }

            var status = new Google.Rpc.Status
            {
                Code = (int)Code.FailedPrecondition,
                Message = "Another upload of this rendition is in progress.",
                Details =
                {
                    Any.Pack(new PreconditionFailure { Violations = { new PreconditionFailure.Types.Violation { Type = "UPLOAD_IN_PROGRESS" } } }),
                    Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(retryAfter) }),
                },
            };
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Version = HttpVersion.Version20, RequestMessage = request, Content = new ByteArrayContent([]) };
            response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
            response.Headers.Add("grpc-status", ((int)Code.FailedPrecondition).ToString(System.Globalization.CultureInfo.InvariantCulture));
            response.Headers.Add("grpc-message", "Another upload of this rendition is in progress.");
            response.Headers.Add("grpc-status-details-bin", Convert.ToBase64String(status.ToByteArray()));
            return response;
        }
    }

    private async Task<(string RenditionId, string Source, string Folder)> UploadedAsync(int size)
    {
        var member = await mesh.NewMemberAsync();
        _owner = member.ApiKey;
        using var owner = mesh.Client(member.ApiKey);
        var draft = await Offers.DraftAsync(owner, Offers.Slug(), ApprovalMode.Auto);
        var folder = Offers.TempFolder();
        var source = Offers.WriteFile(folder, "source.mp4", size, seed: size);
        var rendition = await owner.UploadFileAsync(draft.Id, source, new RenditionDeclaration(RenditionKind.Proxy, "video/mp4"));
        await owner.Offers.PublishOfferAsync(new PublishOfferRequest { Id = draft.Id });
        _offer = draft.Id;
        return (rendition.Id, source, folder);
    }

    private string _owner = string.Empty;
    private string _offer = string.Empty;

    /// <summary>A member in Brazil holding an auto-approved licence for the last uploaded offer.</summary>
    private async Task<string> LicenseeAsync(string renditionId)
    {
        Assert.NotEmpty(renditionId);
        var licensee = await mesh.NewMemberAsync("BR");
        using var client = mesh.Client(licensee.ApiKey);
        var response = await client.Licensing.RequestLicenceAsync(new RequestLicenceRequest
        {
            OfferId = _offer,
            Uses = { UsageKind.Broadcast },
            Territories = { "BR" },
            Period = new Contracts.Common.V1.TimeInterval { StartTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow.AddHours(-1)) },
        });
        Assert.NotNull(response.Licence);
        Assert.NotEmpty(_owner);
        return licensee.ApiKey;
    }
}
