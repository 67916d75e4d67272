using System.Globalization;
using MediaMesh.Bench.Support;

namespace MediaMesh.Faults;

/// <summary>bench/results/faults.md: for each part what was done, what was checked and the result.</summary>
public static class FaultsReport
{
    public static MarkdownReport Build(FaultRun run, string command, IReadOnlyList<PartReport> parts)
    {
        var report = new MarkdownReport("Fault suite: fuzzing, kills, restarts, overload, disk full", "tests/faults/run.sh", command,
        [
            $"Scale: {(run.IsCi ? "CI-sized (`--ci`)" : "full")}; seed {run.Seed} (`--seed {run.Seed}` repeats the random choices)",
            "The suite as Release processes (`ASPNETCORE_ENVIRONMENT=Production`, fresh internal-token keys), as bench/ runs it; PostgreSQL 15 from the machine's own binaries",
        ]);
        report.Heading("Summary");
        report.Table(["part", "result", "checks passed", "checks failed", "time"],
            parts.Select(p => (IReadOnlyList<string>)
            [
                p.Part.Title,
                p.Passed ? "passed" : "**FAILED**",
                p.Checks.Count(c => c.Passed).ToString(CultureInfo.InvariantCulture),
                p.Checks.Count(c => !c.Passed).ToString(CultureInfo.InvariantCulture),
                $"{p.Duration.TotalSeconds:0} s",
            ]));

        foreach (var part in parts)
        {
            report.Heading($"{part.Part.Title} (`{part.Part.Name}`)");
            foreach (var sentence in part.Done)
            {
                report.Line($"- {sentence}");
            }

            report.Line();
            if (part.Counts.Count > 0)
            {
                report.Table(["count", "value"], part.Counts.Select(c => (IReadOnlyList<string>)[c.Name, c.Value]), [false, true]);
            }

            report.Table(["check", "result", "evidence"],
                part.Checks.Select(c => (IReadOnlyList<string>)[c.Name, c.Passed ? "passed" : "**FAILED**", Escape(c.Detail)]));
            foreach (var note in part.Notes)
            {
                report.Line($"> {note}");
                report.Line();
            }
        }

        return report;
    }

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
