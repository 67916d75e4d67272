using System.Diagnostics;
using System.Globalization;
using MediaMesh.Bench.Support;
using MediaMesh.Faults;
using MediaMesh.Faults.Fuzzing;
using MediaMesh.Faults.Kills;
using MediaMesh.Faults.DiskFull;
using MediaMesh.Faults.Overload;
using MediaMesh.Faults.PostgresRestart;
using MediaMesh.Faults.RollingRestart;

// tests/faults/run.sh [--ci] [--seed N] [--out PATH] [part ...]: every part, or the named ones, one after another.
FaultPart[] all =
[
    new FuzzPart(),
    new KillPart(),
    new PostgresRestartPart(),
    new OverloadPart(),
    new RollingRestartPart(),
    new DiskFullPart(),
];

var ci = false;
var seed = Environment.TickCount & 0x7fffffff;
string? output = null;
var wanted = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--ci":
            ci = true;
            break;
        case "--seed" when i + 1 < args.Length:
            seed = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--out" when i + 1 < args.Length:
            output = args[++i];
            break;
        case var name when all.Any(p => p.Name == name):
            wanted.Add(name);
            break;
        default:
            Console.Error.WriteLine($"faults: unknown argument {args[i]} (parts: {string.Join(' ', all.Select(p => p.Name))}; options --ci --seed N --out PATH)");
            Console.WriteLine("faults: 0 passed, 1 failed");
            return 2;
    }
}

var run = new FaultRun(ci ? FaultScale.Ci : FaultScale.Full, seed);
output ??= Path.Combine(BenchStack.RepositoryRoot(), "bench", "results", ci ? "faults-ci.md" : "faults.md");
var parts = wanted.Count == 0 ? all : all.Where(p => wanted.Contains(p.Name)).ToArray();
var reports = new List<PartReport>();
foreach (var part in parts)
{
    Console.WriteLine($"\n== {part.Title} ({part.Name})");
    var report = new PartReport(part);
    var clock = Stopwatch.StartNew();
    using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(ci ? 15 : 60));
    try
    {
        await part.RunAsync(run, report, cancel.Token);
    }
#pragma warning disable CA1031 // A part that throws fails its own report; the other parts still run.
    catch (Exception e)
#pragma warning restore CA1031
    {
        report.Check("the part ran to its end", false, $"{e.GetType().Name}: {e.Message}");
        Console.Error.WriteLine(e);
    }

    report.Duration = clock.Elapsed;
    if (report.Checks.Count == 0)
    {
        report.Check("the part checked something", false, "no check was recorded");
    }

    reports.Add(report);
}

var command = "bash tests/faults/run.sh" + (args.Length > 0 ? " " + string.Join(' ', args) : string.Empty);
FaultsReport.Build(run, command, reports).Save(output);
var passed = reports.Sum(r => r.Checks.Count(c => c.Passed));
var failed = reports.Sum(r => r.Checks.Count(c => !c.Passed));
Console.WriteLine($"faults: {passed} passed, {failed} failed");
return failed == 0 ? 0 : 1;
