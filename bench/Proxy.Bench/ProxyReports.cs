using System.Globalization;
using MediaMesh.Bench.Support;

namespace MediaMesh.Proxy.Bench;

/// <summary>The two reports: gateway overhead (targets 1 and 2 of issue 11 side by side) and the services' hot path.</summary>
public static class ProxyReports
{
    public const double AddedSerialP50TargetMs = 0.15;
    public const double ThroughputTarget = 0.9;

    public static MarkdownReport GatewayOverhead(string command, IEnumerable<string> setup, IReadOnlyList<Target> targets,
        IReadOnlyDictionary<string, List<Measurement>> loads, IReadOnlyDictionary<string, List<Measurement>> serials)
    {
        var report = new MarkdownReport("Gateway overhead: the gateway against haproxy, nginx and plain YARP", "bench/Proxy.Bench", command, setup.Concat(
        [
            "Call: `OrganizationService/GetOrganization` of the member's own organisation (a real row), pre-encoded; every call's grpc-status checked",
            "Services, proxies and the gateway pinned to core 1 (taskset), the load generator to core 0; targets interleaved: each round runs every target in turn",
            "Direct, haproxy, nginx and plain YARP carry an internal token signed with the gateway's key (what the gateway forwards); the gateway gets the member's API key. The gateway runs as in production (authentication, per-organisation rate limiter with a bucket big enough never to refuse, OpenTelemetry tracing and metrics without an exporter)",
            "CPU per call = CPU time (/proc utime+stime, 10 ms ticks) of the process(es) over the run ÷ calls; figures are medians over rounds (min–max)",
        ]));
        var direct = loads["direct"];
        var directSerial = serials["direct"];
        double Median(IEnumerable<double> values) => Summary.Of(values).Median;
        string Range(IEnumerable<double> values, string format) => Summary.Of(values).MedianRange(format);
        IEnumerable<double> Ratio(string name) => loads[name].Select((m, i) => m.Load.CallsPerSecond / direct[i].Load.CallsPerSecond);
        IEnumerable<double> Added(string name) => serials[name].Select((m, i) => m.Load.Percentile(0.5) - directSerial[i].Load.Percentile(0.5));

        report.Heading("Results");
        report.Table(
            ["path to `OrganizationService/GetOrganization`", "throughput vs direct", "calls/s at load", "CPU per call in the proxy (µs)", "service CPU per call (µs)", "serial p50 (ms)", "added serial p50 (ms)", "p99 at load (ms)", "failures"],
            targets.Select(t => (IReadOnlyList<string>)
            [
                t.Label,
                t.Name == "direct" ? "1.00" : Range(Ratio(t.Name), "0.00"),
                Range(loads[t.Name].Select(m => m.Load.CallsPerSecond), "0"),
                t.Proxy is null ? "—" : Range(loads[t.Name].Select(m => m.ProxyMicrosPerCall), "0.0"),
                Range(loads[t.Name].Select(m => m.ServiceMicrosPerCall), "0.0"),
                Range(serials[t.Name].Select(m => m.Load.Percentile(0.5)), "0.000"),
                t.Name == "direct" ? "—" : Range(Added(t.Name), "+0.000;-0.000"),
                Range(loads[t.Name].Select(m => m.Load.Percentile(0.99)), "0.00"),
                Failures(loads[t.Name].Concat(serials[t.Name])),
            ]),
            [false, true, true, true, true, true, true, true, false]);

        report.Heading("Target 2 (gateway overhead)");
        if (loads.ContainsKey("gateway"))
        {
            var rows = new List<IReadOnlyList<string>>();
            var gatewayCpu = Median(loads["gateway"].Select(m => m.ProxyMicrosPerCall));
            if (loads.TryGetValue("plain-yarp", out var yarp))
            {
                var yarpCpu = Median(yarp.Select(m => m.ProxyMicrosPerCall));
                rows.Add(["gateway CPU per call ≤ plain YARP's (same run)", F(gatewayCpu, "0.0") + " µs", "≤ " + F(yarpCpu, "0.0") + " µs", MarkdownReport.AtMost(gatewayCpu, yarpCpu, "µs")]);
            }

            if (loads.TryGetValue("nginx", out var nginx))
            {
                var nginxCpu = Median(nginx.Select(m => m.ProxyMicrosPerCall));
                rows.Add(["(aim) gateway CPU per call ≤ nginx's", F(gatewayCpu, "0.0") + " µs", "≤ " + F(nginxCpu, "0.0") + " µs", MarkdownReport.AtMost(gatewayCpu, nginxCpu, "µs")]);
            }

            var added = Median(Added("gateway"));
            rows.Add(["added serial p50 ≤ 0.15 ms", F(added, "0.000") + " ms", "≤ 0.15 ms", MarkdownReport.AtMost(added, AddedSerialP50TargetMs, "ms")]);
            var ratio = Median(Ratio("gateway"));
            rows.Add(["throughput ≥ 0.9 × direct", F(ratio, "0.00") + " × direct", "≥ 0.90", MarkdownReport.AtLeast(ratio, ThroughputTarget, "× direct")]);
            var failed = loads["gateway"].Concat(serials["gateway"]).Sum(m => m.Load.Failures);
            rows.Add(["every call through the gateway answered OK", failed + " failures", "0", failed == 0 ? "met" : "**missed**: the run had failures"]);
            report.Table(["target", "measured (median)", "target", "result"], rows);
        }
        else
        {
            report.Line("The gateway was not part of this run (--only).").Line();
        }

        report.Heading("Load generator per target (is it the bottleneck?)");
        report.Table(["path", "generator CPU per call (µs)", "generator core busy"],
            targets.Select(t => (IReadOnlyList<string>)
            [
                t.Label,
                Range(loads[t.Name].Select(m => m.GeneratorMicrosPerCall), "0.0"),
                Range(loads[t.Name].Select(m => m.GeneratorBusy * 100), "0") + " %",
            ]),
            [false, true, true]);

        var failures = targets.SelectMany(t => loads[t.Name].Concat(serials[t.Name]).Select(m => (t.Label, m.Load))).Where(x => x.Load.Failures > 0).ToList();
        if (failures.Count > 0)
        {
            report.Heading("Failures (runs with failures are not clean measurements)");
            foreach (var (label, load) in failures)
            {
                report.Line($"- {label}: {load.Failures} of {load.Calls} calls: {load.FailureText}");
            }

            report.Line();
        }

        return report;
    }

    public static MarkdownReport ServiceHotPath(string command, IEnumerable<string> setup, IReadOnlyList<HotCall> calls,
        IReadOnlyDictionary<string, List<Measurement>> hot, double trivialMicrosPerCall, IReadOnlyDictionary<string, List<Measurement>>? baseline)
    {
        List<string> notes =
        [
            "Each call sent straight to its service (no gateway) at load, with the member's internal token signed by the gateway's key (what the gateway forwards); Health/Check without a token, as a probe sends it",
            "Service CPU per call = the service process's CPU time (/proc) over the run ÷ calls, tracing on as in production; medians over rounds (min–max)",
            string.Create(CultureInfo.InvariantCulture,
                $"\"× trivial\" = service CPU per call ÷ the trivial gRPC server's in the same run ({trivialMicrosPerCall:0.0} µs), which stays comparable from one machine to another (the issue's machine: a greeter ≈17 µs, so ≤ 50 µs ≈ 3× a greeter)"),
            "GetOrganization of an unknown id counts NOT_FOUND as its expected status; every other call must answer OK",
        ];
        if (baseline is not null)
        {
            notes.Add("Baseline (`--baseline`): the same calls on hosts published from an earlier commit (`bench/publish-baseline.sh`), started beside these on the same core, measured right after each of these in every round; \"÷ baseline\" is the median of the rounds' ratios");
        }

        var report = new MarkdownReport("Service hot path: CPU per call at load, direct", "bench/Proxy.Bench", command, setup.Concat(notes));
        report.Heading("Results");
        string[] headers = ["call", "service", "service CPU per call (µs)", "× trivial", "target (µs)", "result", "calls/s", "p50 (ms)", "p99 (ms)", "failures"];
        bool[] right = [false, false, true, true, true, false, true, true, true, false];
        if (baseline is not null)
        {
            headers = [.. headers[..4], "baseline (µs)", "÷ baseline", .. headers[4..]];
            right = [.. right[..4], true, true, .. right[4..]];
        }

        report.Table(headers, calls.Select(c =>
            {
                var runs = hot[c.Call.Name];
                var cpu = Summary.Of(runs.Select(m => m.ServiceMicrosPerCall));
                var failed = runs.Sum(m => m.Load.Failures) + (baseline?[c.Call.Name].Sum(m => m.Load.Failures) ?? 0);
                List<string> row = [c.Call.Name, c.Service, cpu.MedianRange("0.0"), F(cpu.Median / trivialMicrosPerCall, "0.0")];
                if (baseline is not null)
                {
                    var before = baseline[c.Call.Name];
                    row.Add(Summary.Of(before.Select(m => m.ServiceMicrosPerCall)).MedianRange("0.0"));
                    row.Add(Summary.Of(runs.Zip(before, (after, was) => after.ServiceMicrosPerCall / was.ServiceMicrosPerCall)).MedianRange("0.00"));
                }

                row.AddRange(
                [
                    "≤ " + F(c.TargetMicros, "0"),
                    failed > 0 ? "**run had failures**" : MarkdownReport.AtMost(cpu.Median, c.TargetMicros, "µs"),
                    Summary.Of(runs.Select(m => m.Load.CallsPerSecond)).MedianRange("0"),
                    Summary.Of(runs.Select(m => m.Load.Percentile(0.5))).MedianRange("0.00"),
                    Summary.Of(runs.Select(m => m.Load.Percentile(0.99))).MedianRange("0.00"),
                    Failures(baseline is null ? runs : runs.Concat(baseline[c.Call.Name])),
                ]);
                return (IReadOnlyList<string>)row;
            }),
            right);

        var failures = calls.SelectMany(c => hot[c.Call.Name].Select(m => (c.Call.Name, m.Load))).Where(x => x.Load.Failures > 0).ToList();
        if (failures.Count > 0)
        {
            report.Heading("Failures");
            foreach (var (name, load) in failures)
            {
                report.Line($"- {name}: {load.Failures} of {load.Calls} calls: {load.FailureText}");
            }

            report.Line();
        }

        return report;
    }

    private static string Failures(IEnumerable<Measurement> runs)
    {
        var list = runs.ToList();
        var failed = list.Sum(m => m.Load.Failures);
        return failed == 0 ? "0" : $"**{failed}** of {list.Sum(m => m.Load.Calls)}";
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
