using System.Globalization;

namespace MediaMesh.Startup.Bench;

/// <summary>
/// Command-line options: `--runs N` (5), `--idle-seconds N` (10), `--cores LIST` (taskset, "0-1"), `--build`,
/// `--no-ready-to-run` (the build output alone, without the published ReadyToRun hosts beside it), `--out PATH`.
/// </summary>
internal sealed record StartupOptions(int Runs, int IdleSeconds, string Cores, bool Build, bool ReadyToRun, string Output)
{
    public static StartupOptions Parse(string[] args, string repositoryRoot)
    {
        string? Value(string name)
        {
            var index = Array.IndexOf(args, "--" + name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
        }

        int Number(string name, int fallback) => Value(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

        return new StartupOptions(
            Number("runs", 5),
            Number("idle-seconds", 10),
            Value("cores") ?? "0-1",
            args.Contains("--build"),
            !args.Contains("--no-ready-to-run"),
            Value("out") ?? Path.Combine(repositoryRoot, "bench", "results", "startup-footprint.md"));
    }
}
