using System.Globalization;

namespace MediaMesh.Statistics.Bench;

/// <summary>Command-line options; see bench/README.md.</summary>
internal sealed record StatsBenchOptions
{
    public int Licences { get; init; } = 1_000_000;
    public int Members { get; init; } = 528;
    public int Runs { get; init; } = 5;
    public int Warmups { get; init; } = 1;

    /// <summary>The size at which the code before the fix is timed too (0: not at all).</summary>
    public int OldLicences { get; init; } = 1_000_000;

    public int OldRuns { get; init; } = 3;
    public string? Postgres { get; init; }
    public string? Output { get; init; }

    public static StatsBenchOptions Parse(string[] args)
    {
        var options = new StatsBenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Number() => int.Parse(Next(), NumberStyles.None, CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--licences" => options with { Licences = Number() },
                "--members" => options with { Members = Number() },
                "--runs" => options with { Runs = Number() },
                "--warmups" => options with { Warmups = Number() },
                "--old-licences" => options with { OldLicences = Number() },
                "--old-runs" => options with { OldRuns = Number() },
                "--postgres" => options with { Postgres = Next() },
                "--out" => options with { Output = Next() },
                _ => throw new ArgumentException(
                    $"Unknown option '{args[i]}'. Options: --licences N --members N --runs N --warmups N --old-licences N --old-runs N --postgres CONNECTION --out PATH"),
            };
        }

        return options.Licences < 100 || options.Runs < 1 || options.Members < 10
            ? throw new ArgumentException("--licences at least 100, --runs positive, --members at least 10.")
            : options;
    }
}
