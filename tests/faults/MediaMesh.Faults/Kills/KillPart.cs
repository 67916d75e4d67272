namespace MediaMesh.Faults.Kills;

/// <summary>
/// Issue 12, part 2: kill -9 under load. On SQLite and on PostgreSQL, members write through the gateway
/// (offers, licences, initiatives and signatures, uploads) while organization, initiative, exchange and
/// now and then the gateway are killed in turn at random moments and restarted. Every acknowledged write
/// must be there afterwards, nothing half-written in any store, and uploads cut by a kill resume and verify.
/// </summary>
public sealed class KillPart : FaultPart
{
    /// <summary>This part's ports: 7200–7299 (SQLite stack 7200+, PostgreSQL stack 7250+ and its server on 7260).</summary>
    private const int SqliteBasePort = 7200;
    private const int PostgresBasePort = 7250;

    public override string Name => "kill";

    public override string Title => "kill -9 under load";

    public override async Task RunAsync(FaultRun run, PartReport report, CancellationToken ct)
    {
        var random = run.RandomFor(Name);
        var killsPerProvider = run.Size(60, 15);
        var rounds = new List<KillRoundResult>();
        foreach (var postgres in (bool[])[false, true])
        {
            var round = new KillRound(run, report, postgres, postgres ? PostgresBasePort : SqliteBasePort, killsPerProvider, new Random(random.Next()));
            rounds.Add(await round.RunAsync(ct));
        }

        var total = rounds.Sum(r => r.Kills.Values.Sum());
        report.Count("kills in all", total);
        report.Count("writes acknowledged / attempted in all", $"{rounds.Sum(r => r.Acknowledged):N0} / {rounds.Sum(r => r.Attempted):N0}");
        report.Count("acknowledged writes read back and matched in all", rounds.Sum(r => r.Verified));
        report.Check($"at least {2 * killsPerProvider} kills in all, on both providers", total >= 2 * killsPerProvider && rounds.Count == 2,
            string.Join("; ", rounds.Select(r => $"{r.Provider}: {r.Kills.Values.Sum()}")));
        report.Note("Kills are SIGKILL of the process (BenchStack.KillAsync), the restart is the same Release build on the same data; "
            + "a write counts as acknowledged only once its response arrived, and a write whose call failed is allowed to be either done or not "
            + "(its writer never touches that resource again). Timings come from a loaded shared 2-core machine: restart times are long there, "
            + "so the resume check's bound (12 s after the exchange serves again) sits well under the 30 s upload lease it guards against.");
    }
}
