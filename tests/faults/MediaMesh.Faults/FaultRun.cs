using System.Diagnostics;
using System.Globalization;

namespace MediaMesh.Faults;

/// <summary>How big a run is: the full suite (the figures in bench/results/faults.md) or the CI-sized one.</summary>
public enum FaultScale
{
    Full,
    Ci,
}

/// <summary>What every part of one run shares: its scale, the console log, the seed of its random choices.</summary>
public sealed class FaultRun(FaultScale scale, int seed)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public FaultScale Scale { get; } = scale;

    public bool IsCi => Scale == FaultScale.Ci;

    /// <summary>The seed of the run (printed in the report); each part derives its own Random from it.</summary>
    public int Seed { get; } = seed;

    /// <summary>The full-run figure or the CI-sized one.</summary>
    public int Size(int full, int ci) => IsCi ? ci : full;

    public Random RandomFor(string part) => new(HashCode.Combine(Seed, StringComparer.Ordinal.GetHashCode(part)));

    /// <summary>A progress line on the console (not in the report).</summary>
    public void Log(string part, string message) =>
        Console.WriteLine($"[{_clock.Elapsed.TotalSeconds.ToString("0000.0", CultureInfo.InvariantCulture)}s {part}] {message}");
}
