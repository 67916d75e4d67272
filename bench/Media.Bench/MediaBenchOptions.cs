using System.Globalization;

namespace MediaMesh.Media.Bench;

/// <summary>Command-line options of the media transfer benchmark.</summary>
public sealed record MediaBenchOptions
{
    /// <summary>Sizes in MiB; each gets a fresh gateway and exchange so its peak RSS is its own.</summary>
    public IReadOnlyList<int> SizesMiB { get; init; } = [100, 1024];

    /// <summary>Timed transfers per size and path (each an upload and a download).</summary>
    public int Runs { get; init; } = 3;

    public int BasePort { get; init; } = 6400;

    /// <summary>taskset core list of the services and the gateway.</summary>
    public string Cores { get; init; } = "0-1";

    public bool Direct { get; init; } = true;

    public bool Kill { get; init; } = true;

    /// <summary>Size of the kill -9 mid-upload run, MiB.</summary>
    public int KillSizeMiB { get; init; } = 1024;

    public string Output { get; init; } = "bench/results/media-transfer.md";

    public static MediaBenchOptions Parse(string[] args)
    {
        var options = new MediaBenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--sizes" => options with { SizesMiB = Next().Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() },
                "--runs" => options with { Runs = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--base-port" => options with { BasePort = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--cores" => options with { Cores = Next() },
                "--no-direct" => options with { Direct = false },
                "--no-kill" => options with { Kill = false },
                "--kill-size" => options with { KillSizeMiB = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--out" => options with { Output = Next() },
                _ => throw new ArgumentException($"unknown option {args[i]}; see bench/README.md"),
            };
        }

        return options;
    }
}
