using System.Globalization;

namespace MediaMesh.Catalogue.Bench;

public enum BenchProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Command-line options; see bench/README.md.</summary>
internal sealed record BenchOptions
{
    public int Offers { get; init; } = 200_000;
    public int Members { get; init; } = 300;
    public int Initiatives { get; init; } = 40;
    public int Runs { get; init; } = 100;
    public int PageRuns { get; init; } = 10;
    public int Warmups { get; init; } = 3;
    public int Seed { get; init; } = 20261126;
    public double TargetMs { get; init; } = 10;
    public BenchProvider Provider { get; init; } = BenchProvider.Sqlite;

    /// <summary>A PostgreSQL server to use (a database is created on it); without it a local server is started.</summary>
    public string? Postgres { get; init; }

    /// <summary>Keep the seeded database in <see cref="DataFolder"/> and use it again when offers, seed and migrations match.</summary>
    public bool Reuse { get; init; }

    public string DataFolder { get; init; } = Path.Combine(Path.GetTempPath(), "mediamesh-catalogue-bench");
    public string? Output { get; init; }
    public string? Only { get; init; }

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
                "--provider" => options with
                {
                    Provider = Next() switch
                    {
                        "sqlite" => BenchProvider.Sqlite,
                        "postgres" => BenchProvider.Postgres,
                        var other => throw new ArgumentException($"--provider is sqlite or postgres, not '{other}'."),
                    },
                },
                "--postgres" => options with { Postgres = Next(), Provider = BenchProvider.Postgres },
                "--reuse" => options with { Reuse = true },
                "--data" => options with { DataFolder = Next() },
                "--out" => options with { Output = Next() },
                "--only" => options with { Only = Next() },
                _ => throw new ArgumentException(
                    $"Unknown option '{args[i]}'. Options: --offers N --provider sqlite|postgres --postgres CONNECTION --reuse --data DIR " +
                    "--runs N --page-runs N --warmups N --seed N --target-ms N --out PATH --only TEXT"),
            };
        }

        return options.Offers < 1 || options.Runs < 1 || options.PageRuns < 1 || options.Members < 10
            ? throw new ArgumentException("--offers, --runs and --page-runs must be positive, --members at least 10.")
            : options;
    }

    /// <summary>What a cached database must have been seeded with to be used again.</summary>
    public string SeedKey(string lastMigration) => $"{Offers}-{Members}-{Initiatives}-{Seed}-{lastMigration}";
}
