using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using MediaMesh.Bench.Support;
using MediaMesh.Faults.Kills;
using MediaMesh.Faults.PostgresRestart;

namespace MediaMesh.Faults.RollingRestart;

/// <summary>
/// Issue 12, part 5: a rolling restart. Two replicas of every service on one PostgreSQL server, behind the
/// gateway (two destinations per cluster) and behind each other (the services' and the gateway's outbound
/// clients balance over both replicas). Under at least 200 calls/s from the members' SDK clients (reads at a
/// steady rate, writers creating, publishing, licensing and signing, a feed follower), each replica is
/// stopped as an orchestrator stops it (SIGTERM, then a grace period), started again, and the next one
/// follows once it serves. Must hold: no call fails, every stop is graceful (readiness false first, the
/// process exits by itself), the feed resumes from an UNAVAILABLE with RetryInfo, and every acknowledged write is there.
/// </summary>
public sealed class RollingRestartPart : FaultPart
{
    /// <summary>This part's ports: 7500–7549 (gateway 7500, replicas 7501–7503 and 7511–7513, PostgreSQL 7530, gateway web 7540).</summary>
    private const int BasePort = 7500;
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    /// <summary>After a replica serves again: two of the gateway's 2 s probes to see it healthy, and a margin.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    public override string Name => "rolling";

    public override string Title => "Rolling restart under load";

    public override async Task RunAsync(FaultRun run, PartReport report, CancellationToken ct)
    {
        var rounds = run.Size(2, 1);
        // The issue's 200 calls/s in a full run; a CI run, on a machine the whole suite shares, at half of it.
        var required = run.Size(200, 100);
        // The hosts as the images ship them (ReadyToRun): a replica restarted from the JIT-only build output compiles
        // its whole request path under the load the others carry, which is not what a platform restarts.
        var published = ReadyToRunHosts.Publish(ReadyToRunHosts.All, line => run.Log(Name, line));
        await using var server = await LocalPostgres.StartAsync(port: BasePort + 30);
        run.Log(Name, $"starting two replicas of every service on ports {BasePort}+");
        await using var stack = await BenchStack.StartAsync(new BenchStackOptions
        {
            BasePort = BasePort,
            PublishedDirectory = published,
            Postgres = server,
            DatabasePrefix = "rolling",
            Replicas = 2,
            // The load generator shares the two cores with the suite.
            Cores = "0-1",
            Environment = new Dictionary<string, string>
            {
                // The rig's members call far above a member's default limits; the limits are not what this part is about.
                ["MediaMesh__Gateway__RateLimit__BurstLimit"] = "10000",
                ["MediaMesh__Gateway__RateLimit__TokensPerPeriod"] = "5000",
                ["MediaMesh__Gateway__InFlight__PerOrganization"] = "400",
                ["MediaMesh__Gateway__InFlight__Total"] = "800",
                ["MediaMesh__Gateway__KeyResolutionTimeout"] = "00:00:10",
            },
            ProcessEnvironment = new Dictionary<string, IReadOnlyDictionary<string, string>>
            {
                ["gateway"] = new Dictionary<string, string> { ["Kestrel__Endpoints__Web__Url"] = $"http://127.0.0.1:{BasePort + 40}" },
            },
        });
        try
        {
            await RestartAllAsync(run, report, stack, rounds, required, ct);
        }
        catch
        {
            stack.WriteOutputTo(Console.Error);
            throw;
        }
    }

    private async Task RestartAllAsync(FaultRun run, PartReport report, BenchStack stack, int rounds, int required, CancellationToken ct)
    {
        var random = run.RandomFor(Name);
        using var world = await KillWorld.SeedAsync(stack, members: 3, ct);
        foreach (var service in (string[])["organization", "initiative", "exchange"])
        {
            await KillRound.WaitServingAsync(world, service, ct);
        }

        var warmUp = await WarmUpAsync(run, world, required, new Random(random.Next()), ct);
        var ledger = new WriteLedger();
        var tally = new StatusTally();
        var folder = Directory.CreateTempSubdirectory("mediamesh-rolling-").FullName;
        await using var feed = new FeedWatch(world.Members[1].Client);
        feed.Start();
        using var stop = new CancellationTokenSource();
        var writers = new KillWriters(world, ledger, tally, "rolling", new Random(random.Next()), ct).Start(stop.Token).ToList();
        var readTally = new StatusTally();
        var reads = new PacedReads(world, ledger, readTally, required + (required / 20), () => tally.All.Sum(c => c.Count));
        var readLoop = Task.Run(() => reads.RunAsync(stop.Token), CancellationToken.None);

        // Warm-up: the load runs a while before the first stop, so the rate measured is the steady one.
        await Task.Delay(TimeSpan.FromSeconds(5), ct);
        long Answered() => tally.All.Sum(c => c.Count) + readTally.All.Sum(c => c.Count);
        var callsBefore = Answered();
        var phase = Stopwatch.StartNew();
        var origin = DateTime.UtcNow;
        var stops = new List<(string Process, int? ExitCode, double StopSeconds, ReadinessTimeline Readiness, double ServingAgainSeconds)>();
        var events = new List<(DateTime At, string What)>();
        try
        {
            for (var round = 1; round <= rounds; round++)
            {
                foreach (var service in (string[])["organization", "initiative", "exchange"])
                {
                    for (var replica = 1; replica <= 2; replica++)
                    {
                        var process = BenchStack.ReplicaName(service, replica);
                        await using var readiness = new ReadinessWatch(stack.PortOf(process));
                        var clock = Stopwatch.StartNew();
                        readiness.Start();
                        events.Add((DateTime.UtcNow, $"{process} was sent SIGTERM"));
                        var exit = await stack.StopAsync(process, Grace);
                        events.Add((DateTime.UtcNow, $"{process} exited"));
                        var stopped = clock.Elapsed.TotalSeconds;
                        var timeline = await readiness.EndAsync();
                        await stack.StartProcessAsync(process);
                        events.Add((DateTime.UtcNow, $"{process} was started"));
                        await WaitReadyAsync(stack.PortOf(process), ct);
                        events.Add((DateTime.UtcNow, $"{process} was ready"));
                        var serving = clock.Elapsed.TotalSeconds - stopped;
                        stops.Add((process, exit, stopped, timeline, serving));
                        run.Log(Name, string.Create(CultureInfo.InvariantCulture,
                            $"round {round}: {process} stopped in {stopped:0.0} s (exit {exit?.ToString(CultureInfo.InvariantCulture) ?? "killed"}; not ready at {timeline.FirstNotReady:0.0} s, refused at {timeline.FirstRefused:0.0} s), ready again {serving:0.0} s later; writes {tally.Summary}; reads {readTally.Summary}")
                            + string.Concat(tally.FailureExamples.Concat(readTally.FailureExamples).Take(4).Select(e => "\n    " + e)));
                        await Task.Delay(Settle, ct);
                    }
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(120), ct);
            await readLoop.WaitAsync(TimeSpan.FromSeconds(120), ct);
        }

        var seconds = phase.Elapsed.TotalSeconds;
        var calls = Answered() - callsBefore;
        var rate = calls / seconds;
        run.Log(Name, $"restarts done; verifying {ledger.TotalAcknowledged} acknowledged writes");
        var verification = await AckVerifier.VerifyAsync(world, ledger, folder, ct);
        // Drafts are not in the feed: the offers whose publication was acknowledged are.
        var offers = ledger.Offers.Where(o => o.Value.Shape.Acked.State != Contracts.Exchange.V1.OfferState.Draft).Select(o => o.Key).ToList();
        foreach (var offer in offers)
        {
            // The follower is at most a few events behind the writers; 30 s in all is ample.
            if (await feed.WaitForAsync(offer, TimeSpan.FromSeconds(30), ct) is null)
            {
                break;
            }
        }

        var unseen = offers.Except(feed.SeenOffers, StringComparer.Ordinal).ToList();
        var invariants = await StoreInvariants.CheckAsync(stack, null, ct);
        Directory.Delete(folder, recursive: true);

        report.Did(string.Create(CultureInfo.InvariantCulture,
            $"{stops.Count} graceful restarts ({rounds} round{(rounds == 1 ? string.Empty : "s")} of organization, initiative and exchange, each replica in turn: SIGTERM, up to {Grace.TotalSeconds:0} s to exit, start, serve again, {Settle.TotalSeconds:0} s for the gateway's probes) in {seconds:0} s, "
            + $"two replicas of every service on one PostgreSQL server, while {world.Members.Count} members' SDK clients topped the load up to {required + (required / 20)} calls/s with reads while {3 * world.Members.Count} writer loops wrote through the gateway and one member followed the feed."));
        report.Count("warm-up before the first stop: the same load on its own tallies, until 5 s without a failed call (not counted below)",
            string.Create(CultureInfo.InvariantCulture, $"{warmUp.Seconds:0} s, {warmUp.Summary}"));
        report.Count("graceful stops (every replica of every service)", stops.Count);
        report.Count("calls during the restarts (reads + writes)", calls);
        report.Count("call rate during the restarts (calls/s)", string.Create(CultureInfo.InvariantCulture, $"{rate:0}"));
        report.Count("reads started / not started for the in-flight cap", $"{reads.Started:N0} / {reads.Skipped:N0}");
        foreach (var kind in ledger.Kinds)
        {
            report.Count($"{kind} (acknowledged / attempted)", $"{ledger.Acknowledged(kind):N0} / {ledger.Attempted(kind):N0}");
        }

        report.Count("write call statuses", tally.Summary);
        report.Count("read call statuses", readTally.Summary);
        report.Count("stop to exit, median / max (s)", string.Create(CultureInfo.InvariantCulture,
            $"{Median(stops.Select(s => s.StopSeconds)):0.0} / {stops.Max(s => s.StopSeconds):0.0}"));
        report.Count("readiness not ready → listener closed, min (s)", string.Create(CultureInfo.InvariantCulture,
            $"{stops.Min(s => (s.Readiness.FirstRefused ?? s.StopSeconds) - (s.Readiness.FirstNotReady ?? s.StopSeconds)):0.0}"));
        report.Count("feed reconnects (reasons)", $"{feed.Reconnects} ({string.Join(", ", feed.ReconnectReasons.GroupBy(r => r).Select(g => $"{g.Key} ×{g.Count()}"))})");

        var failed = tally.All.Concat(readTally.All).Where(c => c.Code != StatusCode.OK).Sum(c => c.Count);
        report.Check("no call failed during the restarts (every read and write answered OK through the SDK's retrying client)", calls > 0 && failed == 0,
            $"writes: {tally.Summary}; reads: {readTally.Summary}" + (failed == 0 ? string.Empty : "; " + string.Join("; ", tally.FailureExamples.Concat(readTally.FailureExamples).Take(8))
                + "; when (s from the first stop): " + string.Join("; ", tally.TimedFailures.Concat(readTally.TimedFailures).OrderBy(f => f.StartedUtc).Take(12).Select(f => Placed(f, origin, events)))));
        report.Check($"the load was at least {required} calls/s through the restarts", rate >= required,
            string.Create(CultureInfo.InvariantCulture, $"{calls:N0} calls in {seconds:0} s = {rate:0}/s; {reads.Skipped:N0} reads not started for the in-flight cap"));
        report.Check("every replica of every service was stopped and served again", stops.Count == 6 * rounds && stops.All(s => s.ServingAgainSeconds < 60),
            string.Join("; ", stops.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Process} back in {s.ServingAgainSeconds:0.0} s"))));
        report.Check("every stop was graceful: the process exited by itself (exit code 0) within the grace period", stops.All(s => s.ExitCode == 0),
            string.Join("; ", stops.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Process}: exit {s.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none (killed)"} after {s.StopSeconds:0.0} s"))));
        report.Check("readiness went false first: each stopping replica answered 503 on /health/ready before it stopped listening",
            stops.All(s => s.Readiness.FirstNotReady is { } notReady && (s.Readiness.FirstRefused ?? s.StopSeconds) > notReady),
            string.Join("; ", stops.Select(s => string.Create(CultureInfo.InvariantCulture,
                $"{s.Process}: 503 at {s.Readiness.FirstNotReady?.ToString("0.0", CultureInfo.InvariantCulture) ?? "never"} s, last answer {s.Readiness.LastAnswer:0.0} s, refused at {s.Readiness.FirstRefused?.ToString("0.0", CultureInfo.InvariantCulture) ?? "-"} s"))));
        var reasons = feed.ReconnectReasons;
        report.Check("the feed follower's stream was ended with UNAVAILABLE and RetryInfo by its stopping replica, and it resumed",
            reasons.Count > 0 && reasons.All(r => r == "Unavailable with RetryInfo"),
            reasons.Count == 0 ? "the follower never reconnected" : string.Join(", ", reasons.GroupBy(r => r).Select(g => $"{g.Key} ×{g.Count()}")));
        report.Check("every acknowledged publication reached the feed follower (the SDK's follower resumes from its cursor)", offers.Count > 0 && unseen.Count == 0,
            $"{offers.Count - unseen.Count} of {offers.Count} published offers seen; {feed.Events:N0} events" + (unseen.Count > 0 ? "; missing " + string.Join(", ", unseen.Take(5)) : string.Empty));
        report.Check("every acknowledged write is present and as written after the restarts", verification.Checked > 0 && verification.Matched == verification.Checked,
            $"{verification.Matched:N0} of {verification.Checked:N0} matched" + (verification.Mismatches.Count > 0 ? "; " + string.Join("; ", verification.Mismatches.Take(5)) : string.Empty));
        report.Check("nothing half-written in the stores", invariants.Queries > 0 && invariants.Violations.Count == 0,
            invariants.Violations.Count == 0 ? $"{invariants.Queries:N0} invariant queries" : string.Join("; ", invariants.Violations.Distinct().Take(5)));
        report.Note("A stop is what Kubernetes or `docker stop` does: SIGTERM, then a kill after the grace period (30 s here, Kubernetes' default). "
            + "On SIGTERM a service reports not ready for MediaMesh:Shutdown:DrainDelay (8 s) while it still serves, so the gateway's probes (every 2 s, "
            + "two failures) take it out of its cluster; then open streams end with UNAVAILABLE + RetryInfo, the listener closes and calls in flight finish. "
            + "The SDK retries reads on UNAVAILABLE but never a write: a write must never meet a replica that is going away, which is what the drain gives.");
    }

    /// <summary>
    /// Every process has just started and compiles each query the first time it runs one, all at once under the full
    /// load: that is a cold start, not a restart (a restarted replica joins warm ones, which carry the load meanwhile).
    /// The same load runs first on tallies of its own until WarmUpQuiet passes without a failed call (at least
    /// WarmUpMinimum, at most WarmUpLimit); its outcome is reported, not counted against the restarts.
    /// </summary>
    private async Task<(double Seconds, string Summary)> WarmUpAsync(FaultRun run, KillWorld world, int required, Random random, CancellationToken ct)
    {
        var ledger = new WriteLedger();
        var tally = new StatusTally();
        var readTally = new StatusTally();
        using var stop = new CancellationTokenSource();
        var writers = new KillWriters(world, ledger, tally, "warm-up", random, ct).Start(stop.Token).ToList();
        var reads = new PacedReads(world, ledger, readTally, required + (required / 20), () => tally.All.Sum(c => c.Count));
        var readLoop = Task.Run(() => reads.RunAsync(stop.Token), CancellationToken.None);
        long Failed() => tally.All.Concat(readTally.All).Where(c => c.Code != StatusCode.OK).Sum(c => c.Count);
        var clock = Stopwatch.StartNew();
        var quietSince = TimeSpan.Zero;
        var failed = 0L;
        while (clock.Elapsed < WarmUpLimit && (clock.Elapsed < WarmUpMinimum || clock.Elapsed - quietSince < WarmUpQuiet))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
            if (Failed() != failed)
            {
                failed = Failed();
                quietSince = clock.Elapsed;
            }
        }

        await stop.CancelAsync();
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(120), ct);
        await readLoop.WaitAsync(TimeSpan.FromSeconds(120), ct);
        var summary = $"writes {tally.Summary}; reads {readTally.Summary}"
            + string.Concat(tally.FailureExamples.Concat(readTally.FailureExamples).Take(4).Select(e => "; " + e));
        run.Log(Name, string.Create(CultureInfo.InvariantCulture, $"warm-up: {clock.Elapsed.TotalSeconds:0} s, {summary}"));
        return (clock.Elapsed.TotalSeconds, summary);
    }

    /// <summary>"DeadlineExceeded SignInitiative ran 301.2–311.2 (4.1 s after initiative-2 was started)": where a failed call fell among the stops.</summary>
    private static string Placed(TimedFailure failure, DateTime origin, IReadOnlyList<(DateTime At, string What)> events)
    {
        var before = events.LastOrDefault(e => e.At <= failure.StartedUtc);
        var place = before.What is null ? "before the first stop" : string.Create(CultureInfo.InvariantCulture, $"{(failure.StartedUtc - before.At).TotalSeconds:0.0} s after {before.What}");
        return string.Create(CultureInfo.InvariantCulture,
            $"{failure.Code} {failure.Method} ran {(failure.StartedUtc - origin).TotalSeconds:0.0}–{(failure.EndedUtc - origin).TotalSeconds:0.0} ({place})");
    }

    private static readonly TimeSpan WarmUpMinimum = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WarmUpQuiet = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan WarmUpLimit = TimeSpan.FromSeconds(60);

    /// <summary>Waits until a process's own /health/ready answers 200 (at most 60 s).</summary>
    private static async Task WaitReadyAsync(int port, CancellationToken ct)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            Timeout = TimeSpan.FromSeconds(3),
            DefaultRequestVersion = System.Net.HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health/ready"), ct);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // No answer in 3 s: ask again.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }

        throw new TimeoutException($"the process on port {port} was not ready within 60 s");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }
}
