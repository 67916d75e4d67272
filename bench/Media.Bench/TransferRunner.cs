using System.Diagnostics;
using MediaMesh.Bench.Support;
using MediaMesh.Client;
using MediaMesh.Client.Transfers;
using MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Media.Bench;

/// <summary>One measured transfer: wall time and the CPU the gateway and the exchange spent on it.</summary>
public sealed record TransferSample(string Path, string Direction, int SizeMiB, TimeSpan Elapsed, TimeSpan GatewayCpu, TimeSpan ExchangeCpu)
{
    public double MegabytesPerSecond => SizeMiB * (double)TransferFiles.MiB / 1e6 / Elapsed.TotalSeconds;
}

/// <summary>Uploads and downloads renditions with the SDK's transfer classes, timing the transfer alone.</summary>
public sealed class TransferRunner(MediaBenchStack media, string workFolder)
{
    private static readonly RenditionDeclaration Declaration = new(RenditionKind.BroadcastMaster, "video/mp4");

    public async Task<(TransferSample Upload, TransferSample Download)> RoundTripAsync(string path, int sizeMiB, string sha256, bool direct)
    {
        var label = direct ? "direct" : "gateway";
        using var client = direct ? media.Direct() : media.ThroughGateway();
        var rendition = await DeclareAsync(client, sizeMiB, sha256);

        var upload = await MeasureAsync(label, "upload", sizeMiB, async () =>
        {
            var done = await new RenditionUploader(client).ResumeAsync(rendition.Id, path);
            if (done.State != RenditionState.Complete)
            {
                throw new InvalidOperationException($"upload ended {done.State} with {done.ReceivedBytes} bytes");
            }
        });

        var target = Path.Combine(workFolder, $"download-{rendition.Id}.bin");
        var download = await MeasureAsync(label, "download", sizeMiB, async () =>
        {
            // A fresh token for the direct path: an upload may outlast one.
            using var reader = direct ? media.Direct() : media.ThroughGateway();
            await new RenditionDownloader(reader).DownloadAsync(rendition.Id, target);
        });

        File.Delete(target);
        await client.Media.DeleteRenditionAsync(new DeleteRenditionRequest { Id = rendition.Id });
        return (upload, download);
    }

    public static async Task<Rendition> DeclareAsync(MediaMeshClient client, int sizeMiB, string sha256, string offerId) =>
        (await client.Media.CreateRenditionAsync(new CreateRenditionRequest
        {
            Rendition = new Rendition
            {
                OfferId = offerId,
                Kind = Declaration.Kind,
                FileName = $"bench-{sizeMiB}MiB.mp4",
                MimeType = Declaration.MimeType,
                SizeBytes = sizeMiB * (long)TransferFiles.MiB,
                Sha256 = sha256,
            },
        })).Rendition;

    private Task<Rendition> DeclareAsync(MediaMeshClient client, int sizeMiB, string sha256) => DeclareAsync(client, sizeMiB, sha256, media.OfferId);

    private async Task<TransferSample> MeasureAsync(string path, string direction, int sizeMiB, Func<Task> transfer)
    {
        var gateway = media.Stack.Processes["gateway"];
        var exchange = media.Stack.Processes["exchange"];
        var gatewayCpu = gateway.CpuTime();
        var exchangeCpu = exchange.CpuTime();
        var clock = Stopwatch.StartNew();
        await transfer();
        clock.Stop();
        var sample = new TransferSample(path, direction, sizeMiB, clock.Elapsed, gateway.CpuTime() - gatewayCpu, exchange.CpuTime() - exchangeCpu);
        Console.WriteLine($"  {path,-7} {direction,-8} {sizeMiB,5} MiB  {sample.MegabytesPerSecond,7:F0} MB/s  gateway CPU {sample.GatewayCpu.TotalSeconds:F2} s  exchange CPU {sample.ExchangeCpu.TotalSeconds:F2} s");
        return sample;
    }
}
