using System.Globalization;

namespace MediaMesh.Catalogue.Bench;

/// <summary>Command-line options: --offers N --runs N --warmups N --seed N --target-ms N --out PATH --only TEXT --keep.</summary>
internal sealed record BenchOptions
{
    public int Offers { get; init; } = 100_000;
    public int Members { get; init; } = 300;
    public int Initiatives { get; init; } = 40;
    public int Runs { get; init; } = 30;
    public int PageRuns { get; init; } = 10;
    public int Warmups { get; init; } = 3;
    public int Seed { get; init; } = 20261126;
    public double TargetMs { get; init; } = 50;
    public string? Output { get; init; }
    public string? Only { get; init; }
    public bool Keep { get; init; }

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Number() => int.Parse(Next(), NumberStyles.None, CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--offers" => options with { Offers = Number() },
                "--members" => options with { Members = Number() },
                "--runs" => options with { Runs = Number() },
                "--page-runs" => options with { PageRuns = Number() },
                "--warmups" => options with { Warmups = Number() },
                "--seed" => options with { Seed = Number() },
                "--target-ms" => options with { TargetMs = Number() },
                "--out" => options with { Output = Next() },
                "--only" => options with { Only = Next() },
                "--keep" => options with { Keep = true },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'. Options: --offers N --runs N --page-runs N --warmups N --seed N --target-ms N --out PATH --only TEXT --keep"),
            };
        }

        return options.Offers < 1 || options.Runs < 1 || options.Members < 10 ? throw new ArgumentException("--offers and --runs must be positive, --members at least 10.") : options;
    }
}
