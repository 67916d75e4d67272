using System.Globalization;
using MediaMesh.Bench.Support;
using MediaMesh.Client.Transfers;
using MediaMesh.Media.Bench;

// Media transfer benchmark: see bench/README.md ("Media transfer").
var options = MediaBenchOptions.Parse(args);
var root = BenchStack.RepositoryRoot();
var work = Directory.CreateTempSubdirectory("mediamesh-media-bench-").FullName;
var loadAtStart = Machine.LoadAverage();
var sizes = new List<SizeResult>();
KillOutcome? killed = null;
try
{
    var media = await MediaBenchStack.StartAsync(options);
    await using var stack = media.Stack;
    var runner = new TransferRunner(media, work);
    foreach (var sizeMiB in options.SizesMiB.Concat(options.Kill ? [options.KillSizeMiB] : []).Distinct())
    {
        Console.WriteLine($"source file {sizeMiB} MiB");
        var path = await TransferFiles.WriteAsync(work, sizeMiB, seed: sizeMiB);
        var sha256 = await new RenditionUploader(media.ThroughGateway()).HashAsync(path, new FileInfo(path).Length, null, CancellationToken.None);
        if (options.SizesMiB.Contains(sizeMiB))
        {
            // Fresh processes per size: VmHWM is a high-water mark, so each size's peak is its own.
            await stack.RestartAsync("exchange");
            await stack.RestartAsync("gateway");
            var idle = (Gateway: ProcessMeter.Memory(stack.Processes["gateway"].Id).Rss, Exchange: ProcessMeter.Memory(stack.Processes["exchange"].Id).Rss);
            var samples = new List<TransferSample>();
            for (var run = 0; run < options.Runs; run++)
            {
                var (up, down) = await runner.RoundTripAsync(path, sizeMiB, sha256, direct: false);
                samples.Add(up);
                samples.Add(down);
                if (options.Direct)
                {
                    (up, down) = await runner.RoundTripAsync(path, sizeMiB, sha256, direct: true);
                    samples.Add(up);
                    samples.Add(down);
                }
            }

            sizes.Add(new SizeResult(sizeMiB, samples, idle.Gateway, idle.Exchange,
                ProcessMeter.Memory(stack.Processes["gateway"].Id).PeakRss, ProcessMeter.Memory(stack.Processes["exchange"].Id).PeakRss));
        }

        if (options.Kill && sizeMiB == options.KillSizeMiB)
        {
            killed = await KillRun.RunAsync(media, path, sizeMiB, sha256);
        }

        File.Delete(path);
    }
}
finally
{
    Directory.Delete(work, recursive: true);
}

var report = MediaReport.Write(options, sizes, killed, loadAtStart);
report.Save(Path.Combine(root, options.Output));
return 0;

/// <summary>Every sample of one size, and the memory of the gateway and the exchange over it.</summary>
internal sealed record SizeResult(int SizeMiB, IReadOnlyList<TransferSample> Samples, long GatewayIdleRss, long ExchangeIdleRss, long GatewayPeakRss, long ExchangePeakRss)
{
    public Summary Rate(string path, string direction) =>
        Summary.Of(Samples.Where(s => s.Path == path && s.Direction == direction).Select(s => s.MegabytesPerSecond));

    /// <summary>Median CPU milliseconds per MiB of a process ("gateway"/"exchange") on a path and direction.</summary>
    public double CpuPerMiB(string path, string direction, bool gateway) =>
        Summary.Of(Samples.Where(s => s.Path == path && s.Direction == direction)
            .Select(s => (gateway ? s.GatewayCpu : s.ExchangeCpu).TotalMilliseconds / s.SizeMiB)).Median;

    public static string MB(long bytes) => (bytes / 1e6).ToString("F0", CultureInfo.InvariantCulture);
}
