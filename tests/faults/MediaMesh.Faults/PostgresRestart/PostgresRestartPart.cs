using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using MediaMesh.Bench.Support;
using MediaMesh.Faults.Kills;
using ExV1 = MediaMesh.Contracts.Exchange.V1;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace MediaMesh.Faults.PostgresRestart;

/// <summary>
/// Issue 12, part 3: the suite on a PostgreSQL server of its own, members writing (offers, licences,
/// initiatives and signatures) and reading through the gateway with no client retries, while the server
/// is stopped ("fast", and at least once "immediate", as a crash), kept down 5–10 s and started again,
/// several times. Every service must say NOT_SERVING (grpc.health.v1 on its own port) while the database is
/// down and SERVING again by itself after it is back; callers see UNAVAILABLE, never INTERNAL or UNKNOWN;
/// every acknowledged write is there afterwards, and the feed delivers again after each restart.
/// </summary>
public sealed class PostgresRestartPart : FaultPart
{
    /// <summary>This part's ports: the suite on 7300+ (gateway web 7340), its PostgreSQL server on 7310.</summary>
    private const int BasePort = 7300;

    private const int PostgresPort = 7310;

    /// <summary>A probe sent this long after the server stopped must already say NOT_SERVING (a database answer stands for 1 s, plus slack).</summary>
    private const double NoticeGraceSeconds = 2.0;

    private static readonly string[] Services = ["organization", "initiative", "exchange"];

    public override string Name => "postgres-restart";

    public override string Title => "PostgreSQL restarted under load";

    public override async Task RunAsync(FaultRun run, PartReport report, CancellationToken ct)
    {
        var random = run.RandomFor(Name);
        var partClock = Stopwatch.StartNew();
        var restarts = run.Size(8, 3);
        await using var server = await LocalPostgres.StartAsync(port: PostgresPort);
        run.Log(Name, $"starting the suite on PostgreSQL (port {PostgresPort}), ports {BasePort}+");
        await using var stack = await BenchStack.StartAsync(new BenchStackOptions
        {
            BasePort = BasePort,
            Postgres = server,
            DatabasePrefix = "pgrestart",
            Environment = new Dictionary<string, string>
            {
                // The writers' and readers' pace is far under these; the default limits are a member's, not a test rig's.
                ["MediaMesh__Gateway__RateLimit__BurstLimit"] = "5000",
                ["MediaMesh__Gateway__RateLimit__TokensPerPeriod"] = "2000",
                ["MediaMesh__Gateway__RefusalLimit__BurstLimit"] = "5000",
                ["MediaMesh__Gateway__RefusalLimit__TokensPerPeriod"] = "2000",
            },
            ProcessEnvironment = new Dictionary<string, IReadOnlyDictionary<string, string>>
            {
                ["gateway"] = new Dictionary<string, string> { ["Kestrel__Endpoints__Web__Url"] = $"http://127.0.0.1:{BasePort + 40}" },
            },
        });
        var folder = Directory.CreateTempSubdirectory("mediamesh-pgrestart-").FullName;
        try
        {
            await RestartsAsync(run, report, stack, server, restarts, random, folder, partClock, ct);
        }
        catch
        {
            stack.WriteOutputTo(Console.Error);
            throw;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private async Task RestartsAsync(FaultRun run, PartReport report, BenchStack stack, LocalPostgres server, int restarts, Random random, string folder,
        Stopwatch partClock, CancellationToken ct)
    {
        // Members' clients make one attempt per call: the part sees every raw status the suite gives.
        using var world = await KillWorld.SeedAsync(stack, members: 3, memberAttempts: 1, ct);
        var clock = Stopwatch.StartNew();
        await using var health = new HealthPoller(clock, Services.ToDictionary(s => s, stack.PortOf, StringComparer.Ordinal));
        health.Start();
        if (!await health.WaitForAllAsync(0, ServingStatus.Serving, TimeSpan.FromSeconds(60), ct))
        {
            throw new InvalidOperationException("the services did not report SERVING before the first restart");
        }

        await using var feed = new FeedWatch(world.Members[0].Client);
        feed.Start();
        var ledger = new WriteLedger();
        var writerTally = new StatusTally();
        var readerTally = new StatusTally();
        var whileDown = new StatusTally();
        var down = 0;
        var readers = new GatewayReaders(world, ledger, readerTally, whileDown, () => Volatile.Read(ref down) == 1, ct);
        using var stop = new CancellationTokenSource();
        var load = new KillWriters(world, ledger, writerTally, "postgres-restart", new Random(random.Next()), ct).Start(stop.Token)
            .Concat(readers.Start(stop.Token)).ToList();
        run.Log(Name, $"{world.Members.Count} members writing and reading; {restarts} restarts to go");

        var rounds = new List<RestartRound>();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(3), ct);
            for (var r = 0; r < restarts; r++)
            {
                // The second restart, and every third after it, is a crash (immediate: recovery at the start); the others are fast.
                var mode = r % 3 == 1 ? "immediate" : "fast";
                var downFor = TimeSpan.FromMilliseconds(5000 + random.Next(5000));
                var stopping = clock.Elapsed.TotalSeconds;
                Volatile.Write(ref down, 1);
                await server.StopAsync(mode);
                var stopped = clock.Elapsed.TotalSeconds;
                await Task.Delay(TimeSpan.FromSeconds(stopped - stopping) > downFor ? TimeSpan.Zero : downFor - TimeSpan.FromSeconds(stopped - stopping), ct);
                var starting = clock.Elapsed.TotalSeconds;
                await server.StartAgainAsync();
                var started = clock.Elapsed.TotalSeconds;
                Volatile.Write(ref down, 0);
                var recovered = await health.WaitForAllAsync(started, ServingStatus.Serving, TimeSpan.FromSeconds(60), ct);
                var throughGateway = await ServingThroughGatewayAsync(world, TimeSpan.FromSeconds(60), ct);
                var gatewayAt = clock.Elapsed.TotalSeconds;
                var marker = await FeedMarkerAsync(world, feed, r, ct);
                var round = new RestartRound(r + 1, mode, stopping, stopped, starting, started, recovered, throughGateway ? gatewayAt - started : null, marker,
                    Services.ToDictionary(s => s, s => ServiceWindow.Of(health.ProbesOf(s), stopped, starting, started), StringComparer.Ordinal));
                rounds.Add(round);
                run.Log(Name, $"restart {r + 1}/{restarts} ({mode}, {round.Downtime}): {round.Summary}; writes {ledger.TotalAcknowledged}/{ledger.TotalAttempted}, "
                    + $"statuses writers {writerTally.Summary}, readers {readerTally.Summary}");
                await Task.Delay(TimeSpan.FromMilliseconds(1500 + random.Next(1500)), ct);
            }
        }
        finally
        {
            Volatile.Write(ref down, 0);
            if (!server.IsRunning)
            {
                await server.StartAgainAsync();
            }

            await stop.CancelAsync();
            await Task.WhenAll(load).WaitAsync(TimeSpan.FromSeconds(120), ct);
        }

        run.Log(Name, $"restarts done; verifying {ledger.TotalAcknowledged} acknowledged writes");
        var verification = await AckVerifier.VerifyAsync(world, ledger, folder, ct);
        var invariants = await StoreInvariants.CheckAsync(stack, null, ct);
        var published = ledger.Offers.Where(o => o.Value.Shape.Acked.State is ExV1.OfferState.Offered or ExV1.OfferState.Corrected).Select(o => o.Key).ToList();
        // The feed is followed until here: a publication acknowledged just before the writers stopped gets a moment to arrive.
        if (published.Count > 0)
        {
            await feed.WaitForAsync(published[^1], TimeSpan.FromSeconds(15), ct);
        }

        var seen = new HashSet<string>(feed.SeenOffers, StringComparer.Ordinal);
        var missing = published.Where(id => !seen.Contains(id)).ToList();
        Record(report, rounds, ledger, writerTally, readerTally, whileDown, readers.Calls, verification, invariants, feed, published.Count, missing, partClock.Elapsed);
    }

    private static void Record(PartReport report, List<RestartRound> rounds, WriteLedger ledger, StatusTally writers, StatusTally readers, StatusTally whileDown,
        long readCalls, AckVerification verification, InvariantRun invariants, FeedWatch feed, int published, List<string> missing, TimeSpan total)
    {
        var recoveries = rounds.SelectMany(r => r.Windows.Values).Where(w => w.RecoveredAfter is not null).Select(w => w.RecoveredAfter!.Value).Order().ToList();
        var notices = rounds.SelectMany(r => r.Windows.Values).Where(w => w.NoticedAfter is not null).Select(w => w.NoticedAfter!.Value).Order().ToList();
        report.Did($"Ran the suite on a PostgreSQL 15 server of its own (LocalPostgres) with 3 members writing (3 writer loops each: offers, licences, "
            + $"initiatives and signatures) and reading (1 loop each) through the gateway with no client retries (MaxAttempts 1), and grpc.health.v1 "
            + $"Health/Check asked every {HealthPoller.Interval.TotalMilliseconds:0} ms on each service's own port; stopped the server {rounds.Count} times "
            + $"({string.Join(", ", rounds.GroupBy(r => r.Mode).Select(g => $"{g.Count()} {g.Key}"))}) with pg_ctl, kept it down "
            + $"{rounds.Min(r => r.StoppedSeconds):0.0}–{rounds.Max(r => r.StoppedSeconds):0.0} s (stop called to start called) and started it again on the same data "
            + $"(accepting connections {rounds.Min(r => r.DownSeconds):0.0}–{rounds.Max(r => r.DownSeconds):0.0} s after the stop was called); part {total.TotalSeconds:0} s with the suite's start.");
        foreach (var round in rounds)
        {
            report.Count($"restart {round.Number} ({round.Mode}, {round.Downtime})", round.Summary);
        }

        report.Count("services noticed the database was gone (first NOT_SERVING after the stop), median / max", $"{Median(notices):0.0} s / {(notices.Count > 0 ? notices[^1] : 0):0.0} s");
        report.Count("services SERVING again after the start, median / max", $"{Median(recoveries):0.0} s / {(recoveries.Count > 0 ? recoveries[^1] : 0):0.0} s");
        foreach (var kind in ledger.Kinds)
        {
            report.Count($"{kind} (acknowledged / attempted)", $"{ledger.Acknowledged(kind):N0} / {ledger.Attempted(kind):N0}");
        }

        foreach (var (kind, (checkedCount, matched)) in verification.Kinds)
        {
            report.Count($"{kind}s read back (matched / checked)", $"{matched:N0} / {checkedCount:N0}");
        }

        report.Count("writers' call statuses", writers.Summary);
        report.Count($"readers' call statuses ({readCalls:N0} calls)", readers.Summary);
        report.Count("readers' statuses of calls sent while the database was down", whileDown.Summary);
        report.Count("feed events received / reconnects of the follower", $"{feed.Events:N0} / {feed.Reconnects:N0}");

        var windows = rounds.SelectMany(r => r.Windows.Select(w => (Round: r, Service: w.Key, Window: w.Value))).ToList();
        report.Check($"{rounds.Count} restarts done, at least one of them immediate (a crash)", rounds.Count > 0 && rounds.Any(r => r.Mode == "immediate"),
            string.Join(", ", rounds.Select(r => $"{r.Number} {r.Mode}")));
        report.Check("while the database was down every service reported NOT_SERVING on grpc.health.v1",
            windows.All(w => w.Window.NoticedAfter is not null),
            string.Join("; ", windows.Where(w => w.Window.NoticedAfter is null).Select(w => $"restart {w.Round.Number} {w.Service}: never NOT_SERVING ({w.Window.ProbesWhileDown} probes)"))
                is { Length: > 0 } never ? never : $"{windows.Count} service-restarts, NOT_SERVING after {notices.FirstOrDefault():0.0}–{(notices.Count > 0 ? notices[^1] : 0):0.0} s");
        var servingWhileDown = windows.Where(w => w.Window.ServingWhileDown > 0).ToList();
        report.Check($"no service said SERVING to a probe sent {NoticeGraceSeconds:0} s or more after the server stopped and before it started again",
            servingWhileDown.Count == 0,
            servingWhileDown.Count == 0
                ? $"{windows.Sum(w => w.Window.ProbesWhileDown):N0} probes while down: {windows.Sum(w => w.Window.NotServingWhileDown):N0} NOT_SERVING, {windows.Sum(w => w.Window.UnansweredWhileDown):N0} unanswered"
                : string.Join("; ", servingWhileDown.Select(w => $"restart {w.Round.Number} {w.Service}: {w.Window.ServingWhileDown} SERVING")));
        report.Check("after each start every service went SERVING again by itself (within 60 s)",
            windows.All(w => w.Window.RecoveredAfter is not null),
            windows.Any(w => w.Window.RecoveredAfter is null)
                ? string.Join("; ", windows.Where(w => w.Window.RecoveredAfter is null).Select(w => $"restart {w.Round.Number} {w.Service}: not SERVING 60 s after the start"))
                : $"{windows.Count} service-restarts: SERVING {Median(recoveries):0.0} s (median), {recoveries[^1]:0.0} s (max) after the server accepted connections");
        report.Check("after each start a call through the gateway to every service succeeded (within 60 s)", rounds.All(r => r.GatewayAfter is not null),
            string.Join(", ", rounds.Select(r => r.GatewayAfter is { } g ? $"{g:0.0} s" : "never")));
        var internalOrUnknown = writers.Count(StatusCode.Internal) + writers.Count(StatusCode.Unknown) + readers.Count(StatusCode.Internal) + readers.Count(StatusCode.Unknown);
        report.Check("no INTERNAL or UNKNOWN status to any caller", internalOrUnknown == 0,
            internalOrUnknown == 0 ? $"writers {writers.Summary}; readers {readers.Summary}"
                : string.Join("; ", writers.UnexpectedExamples.Concat(readers.UnexpectedExamples).Take(6)));
        report.Check("every failed call failed as an unreachable database explains (UNAVAILABLE; DEADLINE_EXCEEDED, CANCELLED, RESOURCE_EXHAUSTED)",
            writers.Unexpected == 0 && readers.Unexpected == 0,
            writers.Unexpected + readers.Unexpected == 0 ? $"writers {writers.Summary}; readers {readers.Summary}"
                : string.Join("; ", writers.UnexpectedExamples.Concat(readers.UnexpectedExamples).Take(6)));
        report.Check("reads sent while the database was down were refused UNAVAILABLE (the suite said so, it did not hang)",
            whileDown.Count(StatusCode.Unavailable) > 0,
            whileDown.Summary);
        report.Check("writes were acknowledged between the restarts, every kind", ledger.TotalAcknowledged > 0 && ledger.Kinds.All(k => ledger.Acknowledged(k) > 0),
            string.Join(", ", ledger.Kinds.Select(k => $"{k} {ledger.Acknowledged(k)}/{ledger.Attempted(k)}")));
        report.Check("every acknowledged write is present and as written after the restarts", verification.Checked > 0 && verification.Matched == verification.Checked,
            $"{verification.Matched:N0} of {verification.Checked:N0} matched" + (verification.Mismatches.Count > 0 ? "; " + string.Join("; ", verification.Mismatches.Take(5)) : string.Empty));
        report.Check("nothing half-written in the stores", invariants.Queries > 0 && invariants.Violations.Count == 0,
            invariants.Violations.Count == 0 ? $"{invariants.Queries} queries of {StoreInvariants.All.Count} invariants" : string.Join("; ", invariants.Violations.Take(5)));
        report.Check("after each restart an offer published then reached the feed follower (within 30 s)", rounds.All(r => r.FeedAfter is not null),
            string.Join(", ", rounds.Select(r => r.FeedAfter is { } f ? $"{f.TotalSeconds:0.0} s" : "never")));
        report.Check("every acknowledged publication reached the feed (the follower reconnected from its cursor through the restarts)", missing.Count == 0,
            missing.Count == 0 ? $"{published:N0} published offers all seen, {feed.Events:N0} events, {feed.Reconnects:N0} reconnects"
                : $"{missing.Count} of {published} never seen: {string.Join(", ", missing.Take(5))}");
        report.Note("A probe is grpc.health.v1 Health/Check of the overall service (\"\"), which runs the service's readiness checks, its database among them; "
            + "the database answer is reused for 1 s, so a probe sent within 2 s of the stop may still say SERVING. Recovery is timed from the moment pg_ctl "
            + "says the server accepts connections to the first SERVING probe sent after it. DEADLINE_EXCEEDED is a call in flight when the server went away "
            + "that outlived its 10 s deadline waiting for a connection; RESOURCE_EXHAUSTED would be the gateway's in-flight limit while calls pile up.");
    }

    /// <summary>Waits until a read through the gateway reaches each service (one attempt each, repeated).</summary>
    private static async Task<bool> ServingThroughGatewayAsync(KillWorld world, TimeSpan within, CancellationToken ct)
    {
        var member = world.Members[0];
        var waited = Stopwatch.StartNew();
        Func<Task>[] reads =
        [
            () => member.Client.Organizations.GetOrganizationAsync(new Contracts.Organization.V1.GetOrganizationRequest { Id = member.Id }, cancellationToken: ct).ResponseAsync,
            () => member.Client.Initiatives.ListInitiativesAsync(new Contracts.Initiative.V1.ListInitiativesRequest { PageSize = 1 }, cancellationToken: ct).ResponseAsync,
            () => member.Client.Offers.ListOffersAsync(new ExV1.ListOffersRequest { PageSize = 1 }, cancellationToken: ct).ResponseAsync,
        ];
        foreach (var read in reads)
        {
            while (true)
            {
                try
                {
                    await read();
                    break;
                }
                catch (RpcException) when (waited.Elapsed < within)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
                }
                catch (RpcException)
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Member 1 creates and publishes an offer (tried again on UNAVAILABLE); the time until member 0's follower received it.</summary>
    private static async Task<TimeSpan?> FeedMarkerAsync(KillWorld world, FeedWatch feed, int restart, CancellationToken ct)
    {
        var member = world.Members[1].Client;
        var created = await KillWorld.Retried(() => member.Offers.CreateOfferAsync(new ExV1.CreateOfferRequest
        {
            Offer = KillWriters.NewOffer(string.Create(CultureInfo.InvariantCulture, $"feed marker after restart {restart + 1}"), auto: true),
        }, cancellationToken: ct).ResponseAsync, ct);
        await KillWorld.Retried(() => member.Offers.PublishOfferAsync(new ExV1.PublishOfferRequest { Id = created.Offer.Id }, cancellationToken: ct).ResponseAsync, ct);
        return await feed.WaitForAsync(created.Offer.Id, TimeSpan.FromSeconds(30), ct);
    }

    private static double Median(List<double> sorted) => sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];

    /// <summary>What one service's probes said around one restart.</summary>
    private sealed record ServiceWindow(double? NoticedAfter, double? RecoveredAfter, int ProbesWhileDown, int NotServingWhileDown, int ServingWhileDown, int UnansweredWhileDown)
    {
        public static ServiceWindow Of(IReadOnlyList<HealthProbe> probes, double stopped, double starting, double started)
        {
            var whileDown = probes.Where(p => p.SentAt >= stopped && p.SentAt < starting).ToList();
            var noticed = whileDown.FirstOrDefault(p => p.Status == ServingStatus.NotServing);
            var recovered = probes.FirstOrDefault(p => p.SentAt >= started && p.Status == ServingStatus.Serving);
            return new ServiceWindow(noticed is null ? null : noticed.AnsweredAt - stopped, recovered is null ? null : recovered.AnsweredAt - started,
                whileDown.Count, whileDown.Count(p => p.Status == ServingStatus.NotServing),
                whileDown.Count(p => p.Status == ServingStatus.Serving && p.SentAt >= stopped + NoticeGraceSeconds),
                whileDown.Count(p => p.Status is null));
        }
    }

    /// <summary>One stop and start of the server: its timings on the part's clock, and each service's window.</summary>
    private sealed record RestartRound(int Number, string Mode, double Stopping, double Stopped, double Starting, double Started, bool AllRecovered,
        double? GatewayAfter, TimeSpan? FeedAfter, IReadOnlyDictionary<string, ServiceWindow> Windows)
    {
        public double DownSeconds => Started - Stopping;

        public double StoppedSeconds => Starting - Stopping;

        public string Downtime => string.Create(CultureInfo.InvariantCulture, $"down {StoppedSeconds:0.0} s, accepting connections {DownSeconds:0.0} s after the stop");

        public string Summary => string.Join(", ", Windows.Select(w => string.Create(CultureInfo.InvariantCulture,
                $"{w.Key} NOT_SERVING after {Fmt(w.Value.NoticedAfter)}, SERVING {Fmt(w.Value.RecoveredAfter)} after the start")))
            + string.Create(CultureInfo.InvariantCulture, $"; through the gateway {Fmt(GatewayAfter)}; feed marker {Fmt(FeedAfter?.TotalSeconds)}");

        private static string Fmt(double? seconds) => seconds is { } s ? string.Create(CultureInfo.InvariantCulture, $"{s:0.0} s") : "never";
    }
}
