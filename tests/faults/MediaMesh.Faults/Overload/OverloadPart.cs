using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Grpc.Core;
using MediaMesh.Bench.Support;

namespace MediaMesh.Faults.Overload;

/// <summary>
/// Issue 12, part 4: the gateway at 10× its capacity sheds load with RESOURCE_EXHAUSTED (its in-flight
/// limits) instead of queueing; admitted calls keep their normal latency, memory stays bounded, the
/// per-organisation limit shields the other members from a greedy one, and the system is back to
/// normal as soon as the load drops. The token bucket is raised out of the way, so what sheds is the
/// in-flight limiter at its shipped defaults.
/// </summary>
public sealed class OverloadPart : FaultPart
{
    private const int BasePort = 7600;
    private const int MemberCount = 6;

    /// <summary>Of every 50 overload calls, 49 come from the greedy member (member 0).</summary>
    private const int GreedyOf50 = 49;

    private static readonly string[] Processes = ["gateway", "organization", "initiative", "exchange"];

    public override string Name => "overload";

    public override string Title => "Overload at 10× capacity";

    public override async Task RunAsync(FaultRun run, PartReport report, CancellationToken ct)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("the overload part pins with taskset and reads /proc: Linux only");
        }

        var warmUpRound = TimeSpan.FromSeconds(2);
        var warmUpBurst = TimeSpan.FromSeconds(1);
        var warmUpRounds = run.Size(40, 25);
        var warmUpQuiet = TimeSpan.FromSeconds(3);
        var normalRun = TimeSpan.FromSeconds(run.Size(20, 6));
        var overloadRun = TimeSpan.FromSeconds(run.Size(60, 12));
        var recoveryRun = TimeSpan.FromSeconds(run.Size(5, 3));
        var shipped = ShippedLimits();
        // The README's sizing rule for the one core the suite gets here: Total about twice the
        // concurrency at which one core's throughput stops growing (8), PerOrganization half of it.
        var limits = (PerOrganization: 4, Total: 8);
        // The normal load: closed-loop callers spread over the polite members, 3/4 of the total limit.
        // Normal use stays under the limit: a caller's next call can reach the gateway a moment before
        // the permit of its last one is back (the gateway releases it after the response's last byte).
        var normalWorkers = Math.Max(1, limits.Total * 3 / 4);

        var options = new BenchStackOptions
        {
            BasePort = BasePort,
            Cores = "1",
            ProcessEnvironment = new Dictionary<string, IReadOnlyDictionary<string, string>>
            {
                // The token bucket out of the way: the in-flight limiter is what must shed.
                ["gateway"] = new Dictionary<string, string>
                {
                    ["MediaMesh__Gateway__RateLimit__BurstLimit"] = "1000000",
                    ["MediaMesh__Gateway__RateLimit__TokensPerPeriod"] = "1000000",
                    ["MediaMesh__Gateway__InFlight__PerOrganization"] = limits.PerOrganization.ToString(CultureInfo.InvariantCulture),
                    ["MediaMesh__Gateway__InFlight__Total"] = limits.Total.ToString(CultureInfo.InvariantCulture),
                },
            },
        };
        run.Log(Name, "starting the suite (SQLite) on core 1");
        await using var stack = await BenchStack.StartAsync(options);
        var members = await OverloadMember.CreateAsync(stack, MemberCount, ct);
        var pids = Processes.ToDictionary(p => p, p => stack.Processes[p].Id);
        report.Did($"Started the suite as Release processes pinned to core 1 (taskset; SQLite) with the gateway's token bucket raised to 1,000,000/s, "
            + $"so its in-flight limits are what sheds: unary {limits.PerOrganization} per organisation and {limits.Total} in total (the README's "
            + $"sizing for one core, instead of the shipped {shipped.PerOrganization} / {shipped.Total}, which leave headroom for parallel clients); "
            + $"registered {MemberCount} organisations, each with an API key and a published offer.");

        var previousAffinity = Process.GetCurrentProcess().ProcessorAffinity;
        Process.GetCurrentProcess().ProcessorAffinity = 1;
        try
        {
            using var mix = new UnaryMix(stack.GatewayPort, members);
            Func<int, int> polite = w => 1 + (w % (MemberCount - 1));
            run.Log(Name, $"warm-up: rounds of {warmUpRound.TotalSeconds:0} s normal load and {warmUpBurst.TotalSeconds:0} s at 10× until the normal load's rate stops rising (at most {warmUpRounds})");
            var warm = await WarmUpAsync(mix, normalWorkers, polite, warmUpRound, warmUpBurst, warmUpRounds, ct);
            run.Log(Name, $"warm-up: {warm.Describe()}");
            // The quiet lets the runtime's background tiering (which a saturated core starves) catch up.
            await Task.Delay(warmUpQuiet, ct);
            report.Did($"Warm-up until the normal load's rate stops rising: rounds of {warmUpRound.TotalSeconds:0} s of the normal load, each followed by {warmUpBurst.TotalSeconds:0} s at 10× its rate "
                + $"(so the refusal path warms too), until the normal load's rate stopped rising (no round of the last {SettledRounds} more than {SettledGain:P0} above the best before them; "
                + $"at most {warmUpRounds} rounds), then {warmUpQuiet.TotalSeconds:0} s of quiet; nothing of the warm-up is counted. "
                + "A .NET process pinned to one core (or a one-CPU container) waits ten times longer before it optimises hot methods, and each newly compiled method restarts "
                + "that wait; the gateway is compiled optimised from the first call for that reason (MediaMesh.Host.props), the services keep quick JIT for their start-up. "
                + $"Warm-up: {warm.Describe()}.");
            report.Check("the normal load's rate settled before the overload (the warm-up ended by itself)", warm.Settled, warm.Describe());
            var idle = MemoryWatch.Now(pids);

            run.Log(Name, $"normal load {normalRun.TotalSeconds:0} s");
            LoadPhase normal;
            IReadOnlyDictionary<string, long> normalPeaks;
            var cpuBeforeNormal = CpuTimes(pids);
            await using (var watch = new MemoryWatch(pids))
            {
                normal = await LoadPhase.ClosedLoopAsync("normal", mix, normalWorkers, polite, normalRun, ct);
                normalPeaks = watch.Peaks;
            }

            var normalCpu = CpuTimes(pids, since: cpuBeforeNormal);

            var capacity = normal.AdmittedPerSecond;
            var normalLatency = normal.AdmittedLatency;
            var offeredRate = 10 * capacity;
            run.Log(Name, $"capacity {capacity:0}/s, p50 {normalLatency.Median:0.0} ms; overload at {offeredRate:0}/s for {overloadRun.TotalSeconds:0} s");

            LoadPhase overload;
            IReadOnlyDictionary<string, long> overloadPeaks;
            var cpuBeforeOverload = CpuTimes(pids);
            await using (var watch = new MemoryWatch(pids))
            {
                overload = await LoadPhase.OpenLoopAsync("overload", mix, offeredRate, GreedyOrPolite, overloadRun, maxOutstanding: 4000, ct);
                overloadPeaks = watch.Peaks;
            }

            var overloadCpu = CpuTimes(pids, since: cpuBeforeOverload);

            run.Log(Name, $"recovery {recoveryRun.TotalSeconds:0} s");
            var recovery = await LoadPhase.ClosedLoopAsync("recovery", mix, normalWorkers, polite, recoveryRun, ct);

            Record(report, shipped, limits, normalWorkers, normal, overload, recovery, offeredRate);
            RecordCpu(report, normal, normalCpu, overload, overloadCpu);
            Check(report, normal, overload, recovery, idle, normalPeaks, overloadPeaks);
        }
        finally
        {
            Process.GetCurrentProcess().ProcessorAffinity = previousAffinity;
        }
    }

    private static void Record(PartReport report, (int PerOrganization, int Total) shipped, (int PerOrganization, int Total) limits, int normalWorkers, LoadPhase normal, LoadPhase overload, LoadPhase recovery, double offeredRate)
    {
        var l = normal.AdmittedLatency;
        report.Did($"Normal load (capacity): closed loop, {normalWorkers} callers spread over {MemberCount - 1} organisations, the unary mix GetOrganization / GetOffer / SearchOffers in turn "
            + $"for {normal.Elapsed.TotalSeconds:0} s: {normal.AdmittedPerSecond:0} calls/s at p50 {Ms(l.Median)} / p99 {Ms(l.P99)}.");
        report.Did($"Overload: open loop at 10× that ({offeredRate:0} calls/s offered, every call started on time whatever the earlier ones did) for {overload.Elapsed.TotalSeconds:0} s, "
            + $"{GreedyOf50} of every 50 calls from one greedy organisation, the rest from the other {MemberCount - 1}; a 5 s deadline on every call, no retries.");
        report.Did($"Recovery: the normal closed-loop load again, started the moment the overload stopped, for {recovery.Elapsed.TotalSeconds:0} s.");
        report.Count("capacity (normal load), calls/s", ((long)normal.AdmittedPerSecond).ToString("N0", CultureInfo.InvariantCulture));
        report.Count("normal p50 / p99", $"{Ms(l.Median)} / {Ms(l.P99)}");
        report.Count("overload: calls sent", overload.Calls.Count);
        report.Count("overload: calls sent per second", ((long)overload.CallsPerSecond).ToString("N0", CultureInfo.InvariantCulture));
        report.Count("overload: calls not sent (generator at its 4,000 outstanding)", overload.NotSent);
        report.Count("overload: admitted calls per second", ((long)overload.AdmittedPerSecond).ToString("N0", CultureInfo.InvariantCulture));
        report.Count("overload: outcomes", overload.CodesText);
        var o = overload.AdmittedLatency;
        report.Count("overload: admitted p50 / p99", $"{Ms(o.Median)} / {Ms(o.P99)}");
        var r = recovery.AdmittedLatency;
        report.Count("recovery: calls, p50 / p99", $"{recovery.Calls.Count:N0}, {Ms(r.Median)} / {Ms(r.P99)}");
        report.Note($"Limits: shipped (gateway/MediaMesh.Gateway/appsettings.json) MediaMesh:Gateway:InFlight:PerOrganization {shipped.PerOrganization}, Total {shipped.Total} "
            + $"(headroom for members' parallel clients); this part runs the suite on one core with the README's latency-first sizing for one core ({limits.PerOrganization} / {limits.Total}), "
            + $"and {normalWorkers} callers for the normal load; the token bucket raised to 1,000,000/s for this part only.");
        report.Note("How measured: the suite (gateway and three services) pinned to core 1 with taskset, the load generator (this process, gRPC clients "
            + "without retries, one channel per organisation) pinned to core 0; latency is client-side, call start to status. "
            + "Capacity is the rate of the closed-loop normal load, measured in the same run right before the overload, and the latency checks compare "
            + "with that run, so a machine busy with other work shifts both alike. RSS is VmRSS from /proc/<pid>/status sampled every 200 ms.");
    }

    private static void Check(PartReport report, LoadPhase normal, LoadPhase overload, LoadPhase recovery,
        IReadOnlyDictionary<string, long> idle, IReadOnlyDictionary<string, long> normalPeaks, IReadOnlyDictionary<string, long> overloadPeaks)
    {
        report.Check("the normal load is served in full", normal.Calls.Count > 0 && normal.Calls.All(c => c.Code == StatusCode.OK),
            $"{normal.Calls.Count:N0} calls: {normal.CodesText}");

        var sentRatio = overload.CallsPerSecond / normal.AdmittedPerSecond;
        report.Check("the overload really was about 10× capacity (≥ 8× sent)", sentRatio >= 8,
            $"{overload.CallsPerSecond:0} calls/s sent = {sentRatio:0.0}× the {normal.AdmittedPerSecond:0} calls/s capacity; {overload.NotSent:N0} not sent");

        var codes = overload.Codes;
        var refused = codes.Where(c => c.Key != StatusCode.OK).Sum(c => c.Value);
        var other = codes.Where(c => c.Key is not (StatusCode.OK or StatusCode.ResourceExhausted or StatusCode.Unavailable)).ToList();
        report.Check("the gateway sheds: some calls are refused", refused > 0, $"{refused:N0} of {overload.Calls.Count:N0} refused");
        report.Check("every refusal is RESOURCE_EXHAUSTED or UNAVAILABLE (no INTERNAL, UNKNOWN, DEADLINE_EXCEEDED)", other.Count == 0,
            other.Count == 0 ? overload.CodesText : "unexpected: " + string.Join(", ", other.Select(c => $"{c.Key} ×{c.Value}")));
        var exhausted = overload.Calls.Where(c => c.Code == StatusCode.ResourceExhausted).ToList();
        report.Check("every RESOURCE_EXHAUSTED carries google.rpc.RetryInfo", exhausted.All(c => c.HasRetryInfo),
            $"{exhausted.Count(c => c.HasRetryInfo):N0} of {exhausted.Count:N0} with RetryInfo");

        var normalP50 = normal.AdmittedLatency.Median;
        var admitted = overload.AdmittedLatency;
        report.Check("admitted calls keep their latency: p50 ≤ 2× the normal p50", admitted.Count > 0 && admitted.Median <= 2 * normalP50,
            $"admitted p50 {Ms(admitted.Median)} (p99 {Ms(admitted.P99)}) vs normal p50 {Ms(normalP50)} (p99 {Ms(normal.AdmittedLatency.P99)}): {admitted.Median / normalP50:0.00}×");
        report.Check("the suite keeps working under overload: admitted calls/s ≥ 40% of capacity", overload.AdmittedPerSecond >= 0.4 * normal.AdmittedPerSecond,
            $"{overload.AdmittedPerSecond:0} admitted/s vs capacity {normal.AdmittedPerSecond:0}/s ({overload.AdmittedPerSecond / normal.AdmittedPerSecond:P0})");

        var memory = Processes.Select(p => (Process: p, Idle: idle[p], Normal: normalPeaks[p], Peak: overloadPeaks[p])).ToList();
        report.Check("memory stays bounded: every process's peak RSS under overload ≤ 2× its idle RSS (after warm-up)",
            memory.All(m => m.Peak <= 2 * m.Idle),
            string.Join("; ", memory.Select(m => $"{m.Process} idle {MiB(m.Idle)}, normal peak {MiB(m.Normal)}, overload peak {MiB(m.Peak)}")));

        var politeCalls = overload.Calls.Where(c => c.Member != 0).ToList();
        var politeAdmitted = politeCalls.Count(c => c.Code == StatusCode.OK);
        var greedyCalls = overload.Calls.Count - politeCalls.Count;
        var greedyAdmitted = overload.Admitted.Count() - politeAdmitted;
        var admittedTotal = Math.Max(1, overload.Admitted.Count());
        report.Check("the per-organisation limit shields the others: ≥ 80% of the other organisations' calls admitted",
            politeCalls.Count > 0 && politeAdmitted >= 0.8 * politeCalls.Count,
            $"others: {politeAdmitted:N0} of {politeCalls.Count:N0} admitted ({Share(politeAdmitted, politeCalls.Count)}), "
            + $"{Share(politeAdmitted, admittedTotal)} of all admitted calls for {Share(politeCalls.Count, overload.Calls.Count)} of the calls sent; "
            + $"greedy: {greedyAdmitted:N0} of {greedyCalls:N0} admitted ({Share(greedyAdmitted, greedyCalls)})");

        var afterOneSecond = recovery.AdmittedLatencyAfter(TimeSpan.FromSeconds(1));
        var firstSecond = Summary.Of(recovery.Admitted.Where(c => Stopwatch.GetElapsedTime(recovery.StartedAt, c.StartedAt) < TimeSpan.FromSeconds(1)).Select(c => c.LatencyMs));
        report.Check("recovery at once: the normal load right after gets 100% success", recovery.Calls.Count > 0 && recovery.Calls.All(c => c.Code == StatusCode.OK),
            $"{recovery.Calls.Count:N0} calls: {recovery.CodesText}");
        report.Check("recovery within 1 s: p50 of calls started ≥ 1 s after the load dropped ≤ 2× the normal p50",
            afterOneSecond.Count > 0 && afterOneSecond.Median <= 2 * normalP50,
            $"p50 {Ms(afterOneSecond.Median)} (p99 {Ms(afterOneSecond.P99)}) vs normal {Ms(normalP50)}; first second p50 {Ms(firstSecond.Median)} over {firstSecond.Count:N0} calls");
    }

    private const int SettledRounds = 3;

    private const double SettledGain = 0.05;

    /// <summary>The warm-up's normal-load rate per round, and whether it settled.</summary>
    private sealed record WarmUp(List<double> Rates)
    {
        public bool Settled => HasSettled(Rates);

        public string Describe() =>
            (Settled ? $"settled after {Rates.Count} rounds" : $"not settled after {Rates.Count} rounds")
            + $", calls/s per round {string.Join(" ", Rates.Select(r => r.ToString("0", CultureInfo.InvariantCulture)))}";

        public static bool HasSettled(List<double> rates) =>
            rates.Count > SettledRounds
            && rates.TakeLast(SettledRounds).Max() <= (1 + SettledGain) * rates.SkipLast(SettledRounds).Max();
    }

    /// <summary>
    /// Rounds of the normal load, each followed by a burst at 10× its rate, until the normal load's rate
    /// stops rising (<see cref="WarmUp.HasSettled"/>) or <paramref name="maxRounds"/> have run.
    /// </summary>
    private static async Task<WarmUp> WarmUpAsync(UnaryMix mix, int workers, Func<int, int> polite, TimeSpan round, TimeSpan burst, int maxRounds, CancellationToken ct)
    {
        var rates = new List<double>();
        while (rates.Count < maxRounds && !WarmUp.HasSettled(rates))
        {
            var normal = await LoadPhase.ClosedLoopAsync("warm-up", mix, workers, polite, round, ct);
            rates.Add(normal.AdmittedPerSecond);
            await LoadPhase.OpenLoopAsync("warm-up burst", mix, 10 * normal.AdmittedPerSecond, GreedyOrPolite, burst, maxOutstanding: 4000, ct);
        }

        return new WarmUp(rates);
    }

    /// <summary>Overload call n: 49 of every 50 from the greedy member 0, the rest from the polite members in turn.</summary>
    private static int GreedyOrPolite(long n) => n % 50 < GreedyOf50 ? 0 : 1 + (int)(n / 50 % (MemberCount - 1));

    /// <summary>
    /// Where the core went: the gateway's CPU per admitted call under normal load, and per refused call
    /// under overload (its overload CPU less the admitted calls at the normal rate, over the refusals).
    /// </summary>
    private static void RecordCpu(PartReport report, LoadPhase normal, Dictionary<string, TimeSpan> normalCpu, LoadPhase overload, Dictionary<string, TimeSpan> overloadCpu)
    {
        var normalCalls = Math.Max(1, normal.Admitted.Count());
        var admitted = overload.Admitted.Count();
        var refused = Math.Max(1, overload.Calls.Count - admitted);
        var gatewayPerAdmitted = normalCpu["gateway"].TotalMicroseconds / normalCalls;
        var gatewayPerRefusal = Math.Max(0, overloadCpu["gateway"].TotalMicroseconds - admitted * gatewayPerAdmitted) / refused;
        var suiteNormal = normalCpu.Values.Sum(t => t.TotalSeconds) / normal.Elapsed.TotalSeconds;
        var suiteOverload = overloadCpu.Values.Sum(t => t.TotalSeconds) / overload.Elapsed.TotalSeconds;
        report.Count("gateway CPU per admitted call (normal load)", Us(gatewayPerAdmitted));
        report.Count("gateway CPU per refused call (overload)", Us(gatewayPerRefusal));
        report.Count("core 1 busy (all four processes), normal / overload", $"{suiteNormal:P0} / {suiteOverload:P0}");
        report.Count("CPU per phase, normal / overload", string.Join("; ", Processes.Select(p =>
            $"{p} {normalCpu[p].TotalSeconds:0.00} s / {overloadCpu[p].TotalSeconds:0.00} s")));
    }

    private static Dictionary<string, TimeSpan> CpuTimes(IReadOnlyDictionary<string, int> pids, Dictionary<string, TimeSpan>? since = null) =>
        pids.ToDictionary(p => p.Key, p => ProcessMeter.CpuTime(p.Value) - (since?[p.Key] ?? TimeSpan.Zero));

    private static string Us(double microseconds) => microseconds.ToString("0", CultureInfo.InvariantCulture) + " µs";

    /// <summary>The gateway's unary in-flight limits in its appsettings.json (the values the processes run with).</summary>
    private static (int PerOrganization, int Total) ShippedLimits()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(BenchStack.RepositoryRoot(), "gateway", "MediaMesh.Gateway", "appsettings.json")));
        var inFlight = settings.RootElement.GetProperty("MediaMesh").GetProperty("Gateway").GetProperty("InFlight");
        return (inFlight.GetProperty("PerOrganization").GetInt32(), inFlight.GetProperty("Total").GetInt32());
    }

    private static string Ms(double value) => value.ToString("0.0", CultureInfo.InvariantCulture) + " ms";

    private static string MiB(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0", CultureInfo.InvariantCulture) + " MiB";

    private static string Share(long part, long whole) => whole == 0 ? "–" : ((double)part / whole).ToString("P0", CultureInfo.InvariantCulture);
}
