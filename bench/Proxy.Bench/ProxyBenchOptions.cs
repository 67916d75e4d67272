using System.Globalization;

namespace MediaMesh.Proxy.Bench;

/// <summary>Command-line options of Proxy.Bench.</summary>
public sealed record ProxyBenchOptions
{
    public static readonly string[] Targets = ["direct", "haproxy", "nginx", "plain-yarp", "gateway", "gateway-untraced"];

    public const string HotPath = "hot-path";

    public int Rounds { get; init; } = 5;

    /// <summary>Seconds of each timed run (each target at load, each target serial, each hot-path call).</summary>
    public double Seconds { get; init; } = 5;

    /// <summary>Targets (comma-separated; direct, which every ratio needs, always runs), or "hot-path"; null runs everything.</summary>
    public string? Only { get; init; }

    public string? OutDirectory { get; init; }

    public int Connections { get; init; } = 16;

    public int Streams { get; init; } = 16;

    /// <summary>
    /// A folder of hosts published from an earlier commit (bench/publish-baseline.sh): the hot-path calls run against
    /// them too, interleaved, and the report gives each call's CPU as a ratio of the baseline's in the same rounds.
    /// </summary>
    public string? Baseline { get; init; }

    public bool RunsProxies => Only != HotPath;

    public bool RunsHotPath => Only is null or HotPath;

    public IEnumerable<string> SelectedTargets => Only switch
    {
        null => Targets,
        HotPath => [],
        _ => Targets.Where(t => t == "direct" || Only.Split(',').Contains(t)),
    };

    public static ProxyBenchOptions Parse(string[] args)
    {
        var options = new ProxyBenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--rounds" => options with { Rounds = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--seconds" => options with { Seconds = double.Parse(Value(), CultureInfo.InvariantCulture) },
                "--only" => options with { Only = Value() },
                "--out-dir" => options with { OutDirectory = Value() },
                "--connections" => options with { Connections = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--streams" => options with { Streams = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--baseline" => options with { Baseline = Path.GetFullPath(Value()) },
                _ => throw new ArgumentException($"unknown option {args[i]} (options: --rounds N, --seconds S, --only TARGET[,TARGET] ({string.Join('|', Targets)}) or {HotPath}, --out-dir DIR, --connections N, --streams M, --baseline DIR)"),
            };
        }

        if (options.Only is not null && options.Only != HotPath && !options.Only.Split(',').All(Targets.Contains))
        {
            throw new ArgumentException($"--only takes one of {string.Join(", ", Targets)}, {HotPath}");
        }

        if (options.Baseline is not null && !options.RunsHotPath)
        {
            throw new ArgumentException("--baseline compares the hot-path calls: use it without --only, or with --only hot-path");
        }

        if (options.Rounds < 1 || options.Seconds <= 0 || options.Seconds > 40)
        {
            // An internal token lives 60 s; a run must end well within the token it started with.
            throw new ArgumentException("--rounds must be at least 1 and --seconds between 0 and 40");
        }

        return options;
    }
}
