using System.Globalization;
using MediaMesh.Bench.Support;

namespace MediaMesh.Feed.Bench;

internal sealed record FeedBenchResult(
    FeedBenchOptions Options, Summary FromStart, Summary FromAck, long Delivered, long Expected, TimeSpan ConnectTime,
    (long Exchange, long Gateway) RssBefore, (long Exchange, long Gateway) RssConnected, (long Exchange, long Gateway) RssAfter,
    long IdleCommands, long IdleStandingCalls, TimeSpan IdleExchangeCpu, IReadOnlyList<string> Failures, int FailureCount);

/// <summary>Writes bench/results/feed-fanout.md (or feed-fanout-N.md for another subscriber count).</summary>
internal static class FeedBenchReport
{
    private const double TargetP99Ms = 500;

    public static string Write(FeedBenchResult r)
    {
        var o = r.Options;
        var report = new MarkdownReport($"Feed fan-out: {o.Subscribers} subscribers through the gateway", "bench/Feed.Bench", o.CommandLine,
        [
            $"Suite: organization, initiative, exchange and the gateway as Release processes (`ASPNETCORE_ENVIRONMENT=Production`, SQLite), all pinned to core 1; this load generator on core 0",
            $"Subscribers: {o.Subscribers} `SubscribeFeed` streams through the gateway, spread over {o.Members} member organisations (one API key each, countries of several regions) and {o.Connections} HTTP/2 connections; gateway limits as shipped (≤ 100 streams per organisation, well within the per-organisation burst)",
            $"Load: one member publishes {o.Offers} offers at {o.Rate.ToString(CultureInfo.InvariantCulture)}/s (create, then the timed `PublishOffer`); every subscriber may see every offer",
            $"Exchange settings as shipped: FeedPollInterval 2 s, StandingRecheckInterval 5 s, FeedHeartbeatInterval 15 s",
            $"Subscriptions opened at 100 a second; all {o.Subscribers} live (each received a warm-up event) {r.ConnectTime.TotalSeconds:0.0} s after the first",
        ]);

        report.Heading("Publish → receive latency at every subscriber");
        string Ms(double v) => v.ToString("0.0", CultureInfo.InvariantCulture);
        report.Table(["measured from", "events", "p50 ms", "p95 ms", "p99 ms", "max ms", "target p99 ≤ 500 ms"],
        [
            ["the `PublishOffer` call's start", r.FromStart.Count.ToString(CultureInfo.InvariantCulture), Ms(r.FromStart.Median), Ms(r.FromStart.P95), Ms(r.FromStart.P99), Ms(r.FromStart.Max), MarkdownReport.AtMost(r.FromStart.P99, TargetP99Ms, "ms")],
            ["its acknowledgement (0 if the event came first)", r.FromAck.Count.ToString(CultureInfo.InvariantCulture), Ms(r.FromAck.Median), Ms(r.FromAck.P95), Ms(r.FromAck.P99), Ms(r.FromAck.Max), MarkdownReport.AtMost(r.FromAck.P99, TargetP99Ms, "ms")],
        ], [false, true, true, true, true, true, false]);
        report.Line($"Delivered {r.Delivered} of {r.Expected} events ({o.Offers} offers × {o.Subscribers} subscribers){(r.Delivered == r.Expected ? ", none missing" : ": **some missing**")}; stream failures: {r.FailureCount}.");
        foreach (var failure in r.Failures)
        {
            report.Line($"- `{failure}`");
        }

        report.Line();
        report.Heading($"An idle period: {o.IdleSeconds} s with {o.Subscribers} subscribers connected");
        var perMinute = 60.0 / o.IdleSeconds;
        var readerBound = o.IdleSeconds / 2.0 + 1;
        var standingBound = (o.IdleSeconds / 5.0 + 1) * o.Members;
        report.Table(["cost", $"in {o.IdleSeconds} s", "per minute", "per subscriber per minute", "bound (one reader, one re-check per caller)", "result"],
        [
            ["database commands of the exchange (EF Core's command log)", $"{r.IdleCommands}", $"{r.IdleCommands * perMinute:0}", $"{r.IdleCommands * perMinute / o.Subscribers:0.000}", $"≤ {readerBound:0} (one log read per 2 s poll, whatever the subscriber count)", MarkdownReport.AtMost(r.IdleCommands, readerBound, "commands")],
            ["GetCallerStanding calls to the organization service", $"{r.IdleStandingCalls}", $"{r.IdleStandingCalls * perMinute:0}", $"{r.IdleStandingCalls * perMinute / o.Subscribers:0.000}", $"≤ {standingBound:0} ({o.Members} callers × one per 5 s)", MarkdownReport.AtMost(r.IdleStandingCalls, standingBound, "calls")],
            ["exchange CPU", $"{r.IdleExchangeCpu.TotalMilliseconds:0} ms", $"{r.IdleExchangeCpu.TotalMilliseconds * perMinute:0} ms", "", "", ""],
        ]);
        report.Line($"Before this change every feed read the log itself on each 2 s poll and re-checked its caller every 5 s: {o.Subscribers} idle subscribers were ≈{o.Subscribers * 30} log reads and ≈{o.Subscribers * 12} GetCallerStanding calls a minute.");
        report.Line();

        report.Heading("Memory (RSS)");
        static string MiB(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);
        string PerSubscriber(long before, long after) => ((after - before) / 1024.0 / o.Subscribers).ToString("0.0", CultureInfo.InvariantCulture);
        report.Table(["process", "before subscribers MiB", "subscribers connected MiB", "after the run MiB", "per subscriber KiB (connected − before)"],
        [
            ["exchange", MiB(r.RssBefore.Exchange), MiB(r.RssConnected.Exchange), MiB(r.RssAfter.Exchange), PerSubscriber(r.RssBefore.Exchange, r.RssConnected.Exchange)],
            ["gateway", MiB(r.RssBefore.Gateway), MiB(r.RssConnected.Gateway), MiB(r.RssAfter.Gateway), PerSubscriber(r.RssBefore.Gateway, r.RssConnected.Gateway)],
        ], [false, true, true, true, true]);

        var name = o.Subscribers == 2000 ? "feed-fanout.md" : $"feed-fanout-{o.Subscribers}.md";
        var path = Path.Combine(BenchStack.RepositoryRoot(), "bench", "results", name);
        report.Save(path);
        return path;
    }
}
