using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using MediaMesh.Bench.Support;
using ExV1 = MediaMesh.Contracts.Exchange.V1;
using InV1 = MediaMesh.Contracts.Initiative.V1;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Faults.Kills;

/// <summary>What one round (one provider) did and found, for the part's summary.</summary>
public sealed record KillRoundResult(string Provider, IReadOnlyDictionary<string, int> Kills, long Attempted, long Acknowledged, long Verified, int InterruptedUploads);

/// <summary>
/// One provider's round: the suite as Release processes (SQLite, or a PostgreSQL server of its own),
/// members seeded through the gateway, the writers and one uploader running while the killer kills -9
/// organization, initiative, exchange and now and then the gateway, in turn, at random moments; after
/// each restart the killed service's store invariants; at the end every acknowledged write read back.
/// </summary>
public sealed class KillRound(FaultRun run, PartReport report, bool postgres, int basePort, int kills, Random random)
{
    private const string Part = "kill";
    private static readonly string[] Rotation = ["organization", "initiative", "exchange", "organization", "initiative", "exchange", "gateway"];

    private string Label => postgres ? "PostgreSQL" : "SQLite";

    public async Task<KillRoundResult> RunAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await using var server = postgres ? await LocalPostgres.StartAsync(port: basePort + 10) : null;
        run.Log(Part, $"{Label}: starting the suite on ports {basePort}+");
        await using var stack = await BenchStack.StartAsync(new BenchStackOptions
        {
            BasePort = basePort,
            Postgres = server,
            DatabasePrefix = "kill",
            Environment = new Dictionary<string, string>
            {
                // The writers' pace is far under these; the default limits are a member's, not a test rig's.
                ["MediaMesh__Gateway__RateLimit__BurstLimit"] = "5000",
                ["MediaMesh__Gateway__RateLimit__TokensPerPeriod"] = "2000",
                ["MediaMesh__Gateway__RefusalLimit__BurstLimit"] = "5000",
                ["MediaMesh__Gateway__RefusalLimit__TokensPerPeriod"] = "2000",
                // A restarted organization service on a loaded machine can miss the 3 s key-resolution budget.
                ["MediaMesh__Gateway__KeyResolutionTimeout"] = "00:00:10",
            },
            ProcessEnvironment = new Dictionary<string, IReadOnlyDictionary<string, string>>
            {
                // Keep the gateway's web port inside this part's port range (base+80 is the default).
                ["gateway"] = new Dictionary<string, string> { ["Kestrel__Endpoints__Web__Url"] = $"http://127.0.0.1:{basePort + 40}" },
            },
        });
        var folder = Directory.CreateTempSubdirectory("mediamesh-kill-").FullName;
        try
        {
            return await RoundAsync(stack, folder, clock, ct);
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

    private async Task<KillRoundResult> RoundAsync(BenchStack stack, string folder, Stopwatch clock, CancellationToken ct)
    {
        using var world = await KillWorld.SeedAsync(stack, members: 3, ct);
        var ledger = new WriteLedger();
        var tally = new StatusTally();
        var uploads = new UploadWriter(world.Members[0], ledger, tally, sizeMiB: run.Size(6, 4), folder, new Random(random.Next()), ct);
        await uploads.PrepareAsync();
        await WaitServingAsync(world, "exchange", ct);

        using var stop = new CancellationTokenSource();
        var writers = new KillWriters(world, ledger, tally, $"{Label} round", new Random(random.Next()), ct).Start(stop.Token).ToList();
        writers.Add(Task.Run(() => uploads.RunAsync(stop.Token), CancellationToken.None));
        run.Log(Part, $"{Label}: {world.Members.Count} members writing; {kills} kills to go");

        var killed = Rotation.Distinct().ToDictionary(p => p, _ => 0, StringComparer.Ordinal);
        var restarts = new List<double>();
        var invariantQueries = 0;
        var invariantRuns = 0;
        var violations = new List<string>();
        try
        {
            // The next kill comes 0.5–3 s after the previous process served again.
            var restarting = new Dictionary<string, Task>(StringComparer.Ordinal);
            using var processes = new SemaphoreSlim(1, 1);
            for (var k = 0; k < kills; k++)
            {
                var process = Rotation[k % Rotation.Length];
                await Task.Delay(TimeSpan.FromMilliseconds(500 + random.Next(2500)), ct);
                if (restarting.Remove(process, out var previous))
                {
                    await previous;
                }

                if (process == "exchange" && killed["exchange"] % 2 == 0)
                {
                    // Every other exchange kill lands in the middle of an upload (10–80 % sent), the others at any moment.
                    var reached = uploads.ReachedAsync(0.1 + (random.NextDouble() * 0.7));
                    await Task.WhenAny(reached, Task.Delay(TimeSpan.FromSeconds(10), ct));
                }

                var inFlight = process == "exchange" ? uploads.InFlight : null;
                await processes.WaitAsync(ct);
                try
                {
                    await stack.KillAsync(process);
                }
                finally
                {
                    processes.Release();
                }

                killed[process]++;
                if (inFlight is { } upload)
                {
                    var file = new FileInfo(StoreInvariants.MediaFileOf(stack, upload.RenditionId));
                    uploads.KilledDuring(upload.RenditionId, upload.Attempt, file.Exists ? file.Length : 0);
                }

                // Half the kills leave the process down a moment (writers meet a refused connection, not just a reset).
                var down = random.Next(2) == 0 ? TimeSpan.FromMilliseconds(random.Next(1000)) : TimeSpan.Zero;
                restarting[process] = RestartAsync(process, down);
                // Restarts overlapping the next kill left some service down nearly all the time (writes barely got
                // through on a loaded machine): each kill waits for the previous process to serve again.
                await restarting[process];
                if ((k + 1) % 10 == 0)
                {
                    run.Log(Part, $"{Label}: {k + 1}/{kills} kills, {ledger.TotalAcknowledged}/{ledger.TotalAttempted} writes acknowledged, statuses {tally.Summary}");
                }
            }

            await Task.WhenAll(restarting.Values);

            async Task RestartAsync(string process, TimeSpan down)
            {
                await Task.Delay(down, ct);
                var restart = Stopwatch.StartNew();
                Bench.Support.PinnedProcess started;
                await processes.WaitAsync(ct);
                try
                {
                    started = stack.Launch(process);
                }
                finally
                {
                    processes.Release();
                }

                await started.WaitForPortAsync(stack.PortOf(process), TimeSpan.FromSeconds(60));
                await WaitServingAsync(world, process, ct);
                if (process == "exchange")
                {
                    uploads.ExchangeServing();
                }

                var check = process == "gateway" ? null : await StoreInvariants.CheckAsync(stack, [process], ct);
                lock (restarts)
                {
                    restarts.Add(restart.Elapsed.TotalSeconds);
                    if (check is not null)
                    {
                        invariantRuns++;
                        invariantQueries += check.Queries;
                        violations.AddRange(check.Violations);
                    }
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(120), ct);
        }

        var killPhase = clock.Elapsed;
        foreach (var process in (string[])["organization", "initiative", "exchange", "gateway"])
        {
            await WaitServingAsync(world, process, ct);
        }

        run.Log(Part, $"{Label}: kills done; verifying {ledger.TotalAcknowledged} acknowledged writes");
        var verification = await AckVerifier.VerifyAsync(world, ledger, folder, ct);
        var final = await StoreInvariants.CheckAsync(stack, null, ct);
        invariantRuns++;
        invariantQueries += final.Queries;
        violations.AddRange(final.Violations);
        var files = await RenditionFilesAsync(stack, ct);
        Record(stack, killed, restarts, ledger, tally, verification, invariantRuns, invariantQueries, violations, files, uploads, killPhase, clock.Elapsed);
        return new KillRoundResult(Label, killed, ledger.TotalAttempted, ledger.TotalAcknowledged, verification.Matched, uploads.Interrupted.Count);
    }

    private void Record(BenchStack stack, Dictionary<string, int> killed, List<double> restarts, WriteLedger ledger, StatusTally tally,
        AckVerification verification, int invariantRuns, int invariantQueries, List<string> violations, List<string> files, UploadWriter uploads,
        TimeSpan killPhase, TimeSpan total)
    {
        var label = Label;
        restarts.Sort();
        report.Did($"{label}: {killed.Values.Sum()} kills -9 ({string.Join(", ", killed.Select(k => $"{k.Key} {k.Value}"))}) in {killPhase.TotalSeconds:0} s "
            + $"while {3 * 3} writer loops of 3 members and 1 uploader wrote through the gateway (each kill 0.5–3 s after the previous process served again); restart to serving median "
            + $"{Median(restarts):0.0} s, max {(restarts.Count > 0 ? restarts[^1] : 0):0.0} s; round {total.TotalSeconds:0} s.");
        foreach (var (process, count) in killed)
        {
            report.Count($"{label}: kills of {process}", count);
        }

        foreach (var kind in ledger.Kinds)
        {
            report.Count($"{label}: {kind} (acknowledged / attempted)", $"{ledger.Acknowledged(kind):N0} / {ledger.Attempted(kind):N0}");
        }

        foreach (var (kind, (checkedCount, matched)) in verification.Kinds)
        {
            report.Count($"{label}: {kind}s read back (matched / checked)", $"{matched:N0} / {checkedCount:N0}");
        }

        report.Count($"{label}: call statuses", tally.Summary);
        report.Count($"{label}: store invariant queries (runs)", $"{invariantQueries:N0} ({invariantRuns:N0})");
        var interrupted = uploads.Interrupted.ToArray();
        report.Count($"{label}: uploads started / verified / interrupted by a kill / resumed to verified",
            $"{uploads.Started} / {ledger.Renditions.Count} / {ledger.Renditions.Values.Count(r => r.Interrupted)} / {uploads.Resumed}");

        report.Check($"{label}: at least {kills} kills, every service killed", killed.Values.Sum() >= kills && killed.Values.All(v => v > 0),
            string.Join(", ", killed.Select(k => $"{k.Key} {k.Value}")));
        report.Check($"{label}: writes were acknowledged through the kills", ledger.TotalAcknowledged >= kills && ledger.Kinds.All(k => ledger.Acknowledged(k) > 0),
            string.Join(", ", ledger.Kinds.Select(k => $"{k} {ledger.Acknowledged(k)}/{ledger.Attempted(k)}")));
        report.Check($"{label}: every acknowledged write is present and as written after the restarts", verification.Checked > 0 && verification.Matched == verification.Checked,
            $"{verification.Matched:N0} of {verification.Checked:N0} matched" + (verification.Mismatches.Count > 0 ? "; " + string.Join("; ", verification.Mismatches.Take(5)) : string.Empty));
        report.Check($"{label}: no INTERNAL or UNKNOWN status", tally.Count(StatusCode.Internal) == 0 && tally.Count(StatusCode.Unknown) == 0,
            $"{tally.Summary}" + (tally.UnexpectedExamples.Any() ? "; " + string.Join("; ", tally.UnexpectedExamples.Take(4)) : string.Empty));
        report.Check($"{label}: every failed call failed as a kill explains (UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, RESOURCE_EXHAUSTED)", tally.Unexpected == 0,
            tally.Unexpected == 0 ? tally.Summary : string.Join("; ", tally.UnexpectedExamples.Take(6)));
        report.Check($"{label}: nothing half-written in the stores (after every restart and at the end)", invariantQueries > 0 && violations.Count == 0,
            violations.Count == 0
                ? $"{invariantQueries:N0} queries of {StoreInvariants.All.Count} invariants: " + string.Join("; ", StoreInvariants.All.Select(i => i.Name))
                : string.Join("; ", violations.Distinct().Take(5)));
        report.Check($"{label}: rendition rows agree with the media store (COMPLETE = all bytes there; UPLOADING holds no byte beyond the file)", files.Count == 0,
            files.Count == 0 ? "every rendition row checked against its file" : string.Join("; ", files.Take(5)));
        var resumed = verification.Kinds.GetValueOrDefault("resumed rendition");
        report.Check($"{label}: uploads cut by an exchange kill resumed, completed and verified", interrupted.Length > 0 && resumed.Checked > 0 && resumed.Matched == resumed.Checked,
            $"{interrupted.Length} kills mid-upload; {resumed.Matched} of {resumed.Checked} interrupted uploads COMPLETE with the declared size and SHA-256 and downloaded with a matching SHA-256");
        report.Check($"{label}: after a kill the exchange holds no byte it had not written (held ≤ bytes on disk at the kill)",
            interrupted.Length > 0 && interrupted.All(u => u.HeldAfterRestart <= u.OnDiskAtKill),
            string.Join("; ", interrupted.Take(6).Select(u => $"{u.OnDiskAtKill:N0} on disk → {u.HeldAfterRestart:N0} held")));
        var slowest = interrupted.Length == 0 ? TimeSpan.Zero : interrupted.Max(u => u.ServingToCompleted);
        report.Check($"{label}: an upload cut by a kill completes soon after the exchange serves again (does not wait out the 30 s lease of the killed process)",
            interrupted.Length > 0 && slowest < TimeSpan.FromSeconds(12),
            $"slowest interrupted upload completed {slowest.TotalSeconds:0.0} s after the exchange served again, over {interrupted.Length} interrupted uploads");
    }

    /// <summary>Each rendition row against its file: COMPLETE means every byte is there; UPLOADING may not claim bytes the file lacks.</summary>
    private static async Task<List<string>> RenditionFilesAsync(BenchStack stack, CancellationToken ct)
    {
        var problems = new List<string>();
        foreach (var (id, state, size, received) in await StoreInvariants.RenditionsAsync(stack, ct))
        {
            var file = new FileInfo(StoreInvariants.MediaFileOf(stack, id));
            var length = file.Exists ? file.Length : 0;
            if ((state == (int)ExV1.RenditionState.Complete && length != size) || (state == (int)ExV1.RenditionState.Uploading && received > length))
            {
                problems.Add($"{id}: state {state}, {received:N0} of {size:N0} recorded, {length:N0} in the file");
            }
        }

        return problems;
    }

    /// <summary>Waits until a call through the gateway that needs <paramref name="process"/> succeeds (at most 60 s).</summary>
    internal static async Task WaitServingAsync(KillWorld world, string process, CancellationToken ct)
    {
        var member = world.Members[0].Client;
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var deadline = DateTime.UtcNow.AddSeconds(3);
            try
            {
                switch (process)
                {
                    case "initiative":
                        await member.Initiatives.ListInitiativesAsync(new InV1.ListInitiativesRequest { PageSize = 1 }, deadline: deadline, cancellationToken: ct);
                        break;
                    case "exchange":
                        await member.Offers.ListOffersAsync(new ExV1.ListOffersRequest { PageSize = 1 }, deadline: deadline, cancellationToken: ct);
                        break;
                    default:
                        await member.Organizations.GetOrganizationAsync(new OrgV1.GetOrganizationRequest { Id = world.Members[0].Id }, deadline: deadline, cancellationToken: ct);
                        break;
                }

                return;
            }
            catch (RpcException) when (waited.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
            }
        }
    }

    private static double Median(List<double> sorted) => sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Label} round on {basePort}");
}
