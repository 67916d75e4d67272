using System.Globalization;
using MediaMesh.Bench.Support;
using MediaMesh.Faults.Overload;

namespace MediaMesh.Faults.Fuzzing;

/// <summary>
/// Issue 12, part 1: mutation fuzzing through the gateway. Every RPC of every contract is called with
/// generated and damaged requests (field values, protobuf bytes, gRPC framing, headers) over gRPC,
/// gRPC-Web and REST, then the HTTP/2 connection itself is abused. Must hold: no UNKNOWN or INTERNAL,
/// no answer without a status, no HTTP 5xx other than 501/503/504, no process crash, and nothing
/// stored changes in a batch of calls that were all refused.
/// </summary>
public sealed class FuzzPart : FaultPart
{
    private const int BasePort = 7700;
    private const int Concurrency = 16;

    /// <summary>One batch in this many is bracketed by database snapshots.</summary>
    private const int CompareEvery = 4;

    private static readonly string[] Processes = ["gateway", "organization", "initiative", "exchange"];

    public override string Name => "fuzz";

    public override string Title => "Mutation fuzzing through the gateway";

    public override async Task RunAsync(FaultRun run, PartReport report, CancellationToken ct)
    {
        var total = run.Size(100_000, 20_000);
        var options = new BenchStackOptions
        {
            BasePort = BasePort,
            ProcessEnvironment = new Dictionary<string, IReadOnlyDictionary<string, string>>
            {
                // Limits out of the way: the fuzzer is about answers, not about shedding.
                ["gateway"] = new Dictionary<string, string>
                {
                    ["MediaMesh__Gateway__RateLimit__BurstLimit"] = "1000000",
                    ["MediaMesh__Gateway__RateLimit__TokensPerPeriod"] = "1000000",
                    ["MediaMesh__Gateway__InFlight__PerOrganization"] = "1000",
                    ["MediaMesh__Gateway__InFlight__Total"] = "2000",
                },
            },
        };
        run.Log(Name, "starting the suite (SQLite)");
        await using var stack = await BenchStack.StartAsync(options);
        var members = await OverloadMember.CreateAsync(stack, 3, ct);
        var keys = members.Select(m => m.ApiKey).Append(stack.CoordinatorApiKey).ToList();
        var ids = members.SelectMany(m => new[] { m.OrganizationId, m.OfferId }).Append("00000000-0000-0000-0000-000000000000").ToList();
        var methods = ContractMethod.All();
        report.Did($"Started the suite as Release processes (SQLite) with the gateway's rate and in-flight limits raised out of the way; registered {members.Count} "
            + "organisations with API keys and a published offer each, whose ids the fuzzer puts in id fields so that calls reach the rules behind the look-ups.");

        var random = run.RandomFor(Name);
        using var caller = new RawCaller(stack.GatewayPort, stack.GatewayWebPort);
        var requests = new FuzzRequests(random, caller, methods, keys, ids);
        var calls = new List<FuzzCall>(total);
        var compared = 0;
        var comparedCalls = 0;
        var changes = new List<string>();
        var batch = 0;
        run.Log(Name, $"{total:N0} calls over {methods.Count} methods, {Concurrency} at a time");
        while (calls.Count < total)
        {
            ct.ThrowIfCancellationRequested();
            var compare = batch++ % CompareEvery == 0;
            var before = compare ? await StoreSnapshot.TakeAsync(stack, ct) : null;
            // One generator, so one thread picks the requests (Random is not thread-safe); they run at once.
            var pending = Enumerable.Range(0, Concurrency).Select(_ => requests.NextAsync(ct)).ToList();
            var done = await Task.WhenAll(pending);
            calls.AddRange(done);
            if (before is not null && done.All(c => !c.Succeeded))
            {
                // Only refused calls ran since the snapshot: nothing stored may have changed.
                var changed = (await StoreSnapshot.TakeAsync(stack, ct)).ChangedSince(before);
                compared++;
                comparedCalls += done.Length;
                if (changed.Count > 0)
                {
                    changes.Add($"batch {batch}: {string.Join(", ", changed)} after {string.Join("; ", done.Select(c => $"{c.Method} {c.Mutation} → {c.Outcome}"))}");
                }
            }

            if (calls.Count % 2000 < Concurrency)
            {
                run.Log(Name, $"{calls.Count:N0} calls, {calls.Count(c => c.Defect is not null):N0} defects");
                if (Processes.FirstOrDefault(p => stack.Processes[p].HasExited) is { } dead)
                {
                    throw new InvalidOperationException($"the {dead} process exited during the fuzzing");
                }
            }
        }

        run.Log(Name, "HTTP/2 abuse");
        // The fuzzer held the coordinator's key and the members' ids, so its valid calls may have suspended them or withdrawn their
        // offers: the well-behaved calls of the abuse checks come from a member registered now, whose ids it never saw.
        var witness = (await OverloadMember.CreateAsync(stack, 1, ct, "Fuzz Witness Broadcaster"))[0];
        var abuse = await Http2Abuse.RunAsync(stack, witness.ApiKey, witness.OfferId, run.Size(5_000, 2_000), ct);
        Record(report, calls, methods, compared, comparedCalls, abuse);
        Check(report, stack, calls, methods, compared, comparedCalls, changes, abuse, total);
    }

    private static void Record(PartReport report, List<FuzzCall> calls, IReadOnlyList<ContractMethod> methods, int compared, int comparedCalls, Http2Abuse abuse)
    {
        report.Did($"Sent {calls.Count:N0} fuzzed requests, 16 at a time, to the {methods.Count} methods of every contract (the internal CredentialService included): "
            + "35 % with plausible generated fields, 30 % with hostile ones (extreme and NaN numbers, unknown enum numbers, empty, 100 kB and invalid UTF-8 strings, "
            + "10,000-element repeated fields, unknown field numbers, nesting 4 deep), 15 % with damaged protobuf bytes (truncated, bit flips, over-long varints, "
            + "lengths past the end, field number 0, wire types 6/7, garbage), 12 % with damaged gRPC framing (length prefix too short, too long or 2 GiB, the compressed "
            + "flag without grpc-encoding, garbage gzip, two messages to a unary method, half a frame header, no body) and 8 % with damaged headers (no or a 4 kB wrong "
            + "API key, an absurd grpc-timeout, grpc-encoding snappy, a wrong content-type, an 8 kB header, no te); over gRPC (h2c), gRPC-Web and REST (JSON "
            + "transcoding, with hostile path segments, query values and damaged JSON bodies) in about 65 / 20 / 15.");
        report.Did($"Bracketed one batch of 16 in {CompareEvery} by a fingerprint of every row of every table of the three databases; {compared:N0} batches "
            + $"({comparedCalls:N0} calls) were refused in full and compared. Left out of the fingerprint: "
            + string.Join(", ", StoreSnapshot.UseRecords.Select(r => $"{r.Table}.{r.Column}"))
            + " (an API key's last use, which a refused call presenting the key rightly records, once a minute at most).");
        report.Did(abuse.Summary);
        report.Count("requests sent", calls.Count.ToString("N0", CultureInfo.InvariantCulture));
        report.Count("by transport", string.Join(", ", calls.GroupBy(c => c.Transport).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count():N0}")));
        report.Count("by mutation", string.Join(", ", calls.GroupBy(c => c.Mutation.StartsWith("framing", StringComparison.Ordinal) ? "framing" : c.Mutation.StartsWith("headers", StringComparison.Ordinal) ? "headers" : c.Mutation)
            .OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count():N0}")));
        report.Count("answers", string.Join(", ", calls.GroupBy(c => c.Outcome).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count():N0}")));
        report.Count("methods answered OK at least once", $"{calls.Where(c => c.Succeeded).Select(c => c.Method).Distinct().Count()} of {methods.Count}");
        report.Count("batches compared / calls in them", $"{compared:N0} / {comparedCalls:N0}");
    }

    private static string Example(FuzzCall call) =>
        string.Join("; ", new[] { call.Method, call.Request is { } request ? "sent " + request : null, call.Answer is { } answer ? "answer " + answer : null }.OfType<string>());

    private static void Check(PartReport report, BenchStack stack, List<FuzzCall> calls, IReadOnlyList<ContractMethod> methods, int compared, int comparedCalls,
        List<string> changes, Http2Abuse abuse, int total)
    {
        report.Check($"at least {total:N0} requests sent", calls.Count >= total, $"{calls.Count:N0} sent");
        var called = calls.Select(c => c.Method).Distinct().Count();
        report.Check("every method of every contract was fuzzed", called == methods.Count, $"{called} of {methods.Count} methods");
        var defects = calls.Where(c => c.Defect is not null).ToList();
        report.Check("no UNKNOWN or INTERNAL, no answer without a status, no HTTP 5xx but 501/503/504, no broken answer",
            defects.Count == 0,
            defects.Count == 0
                ? $"0 of {calls.Count:N0}"
                : $"{defects.Count:N0} of {calls.Count:N0}: " + string.Join("; ", defects.GroupBy(c => (c.Transport, c.Mutation, c.Defect))
                    .OrderByDescending(g => g.Count()).Take(12)
                    .Select(g => $"{g.Key.Transport} {g.Key.Mutation} → {g.Key.Defect} ×{g.Count()} (e.g. {Example(g.First())})")));
        report.Check("refused calls change nothing stored (batches refused in full, every table of the three databases compared)",
            compared > 0 && changes.Count == 0,
            changes.Count == 0 ? $"{compared:N0} batches of {comparedCalls:N0} refused calls: no row changed" : string.Join(" | ", changes.Take(3)));
        var dead = Processes.Where(p => stack.Processes[p].HasExited).ToList();
        report.Check("no process crashed (all four still running at the end)", dead.Count == 0, dead.Count == 0 ? "gateway, organization, initiative and exchange all running" : "exited: " + string.Join(", ", dead));
        foreach (var check in abuse.Checks)
        {
            report.Check(check.Label, check.Passed, check.Evidence);
        }
    }
}
