using System.Globalization;
using MediaMesh.Bench.Support;

namespace MediaMesh.Media.Bench;

/// <summary>bench/results/media-transfer.md: rates, CPU per MiB, peak RSS per size, and the kill -9 run.</summary>
internal static class MediaReport
{
    private const double TargetMBps = 400;
    private const double TargetPeakMB = 150;

    public static MarkdownReport Write(MediaBenchOptions options, IReadOnlyList<SizeResult> sizes, KillOutcome? killed, string loadAtStart)
    {
        var report = new MarkdownReport("Media transfer", "bench/Media.Bench", "dotnet run -c Release --project bench/Media.Bench",
        [
            $"Sizes: {string.Join(", ", options.SizesMiB.Select(s => s + " MiB"))}; {options.Runs} runs per size and path, gateway and direct interleaved",
            $"Processes: organization, initiative, exchange and gateway as Release processes (Production, SQLite), taskset -c {options.Cores}; the benchmark (the SDK client) unpinned",
            "MB = 10^6 bytes. Upload = CreateRendition, then RenditionUploader.ResumeAsync until COMPLETE (server verifies the SHA-256); the client's own hashing of the file before declaring is not timed. Download = RenditionDownloader.DownloadAsync to a local file, SHA-256 checked by the client",
            $"Load average (1/5/15 min) at the end: {Machine.LoadAverage()} (the machine is shared with other work: rates are noisy and pessimistic)",
        ]);

        report.Heading("Throughput (MB/s, median (min–max))");
        var rows = new List<IReadOnlyList<string>>();
        foreach (var size in sizes)
        {
            foreach (var direction in new[] { "upload", "download" })
            {
                var gateway = size.Rate("gateway", direction);
                var direct = size.Rate("direct", direction);
                rows.Add([
                    $"{size.SizeMiB} MiB", direction, gateway.MedianRange("F0"), direct.Count > 0 ? direct.MedianRange("F0") : "—",
                    direct.Count > 0 ? (gateway.Median / direct.Median).ToString("F2", CultureInfo.InvariantCulture) : "—",
                    Ms(size.CpuPerMiB("gateway", direction, gateway: true)), Ms(size.CpuPerMiB("gateway", direction, gateway: false)),
                    direct.Count > 0 ? Ms(size.CpuPerMiB("direct", direction, gateway: false)) : "—",
                    size.SizeMiB >= 1024 ? MarkdownReport.AtLeast(gateway.Median, TargetMBps, "MB/s") : "(target is for 1 GiB)",
                ]);
            }
        }

        report.Table(["size", "direction", "through the gateway", "direct to the exchange", "gateway / direct",
            "gateway CPU ms/MiB", "exchange CPU ms/MiB (via gateway)", "exchange CPU ms/MiB (direct)", "≥ 400 MB/s through the gateway"], rows);

        report.Heading("Peak RSS (VmHWM) per size, fresh processes");
        report.Line("The gateway and the exchange are restarted before each size, so each peak covers that size's transfers only (the exchange's includes the direct runs).");
        report.Line();
        report.Table(["size", "gateway idle RSS MB", "gateway peak MB", "exchange idle RSS MB", "exchange peak MB", "< 150 MB"],
            sizes.Select(s => (IReadOnlyList<string>)[
                $"{s.SizeMiB} MiB", SizeResult.MB(s.GatewayIdleRss), SizeResult.MB(s.GatewayPeakRss), SizeResult.MB(s.ExchangeIdleRss), SizeResult.MB(s.ExchangePeakRss),
                $"gateway {MarkdownReport.AtMost(s.GatewayPeakRss / 1e6, TargetPeakMB, "MB")}, exchange {MarkdownReport.AtMost(s.ExchangePeakRss / 1e6, TargetPeakMB, "MB")}",
            ]));

        if (killed is { } k)
        {
            report.Heading("kill -9 of the exchange mid-upload (through the gateway)");
            report.Table(["size", "client had sent", "object on disk after the kill", "held reported after restart", "held ≤ on disk", "client re-sends", "after resume", "resume time"],
            [[
                $"{k.SizeBytes / TransferFiles.MiB} MiB", Bytes(k.SentBeforeKill), Bytes(k.OnDiskAfterKill), Bytes(k.HeldAfterRestart),
                k.HeldWithinDisk ? "yes" : "**no**", Bytes(k.SizeBytes - k.HeldAfterRestart), k.StateAfterResume.ToString(),
                $"{k.ResumeTime.TotalSeconds:F1} s",
            ]]);
        }

        report.Line($"Load average at start: {loadAtStart}.");
        return report;
    }

    private static string Ms(double value) => double.IsNaN(value) ? "—" : value.ToString("F2", CultureInfo.InvariantCulture);

    private static string Bytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes:N0} ({bytes / (double)TransferFiles.MiB:F1} MiB)");
}
