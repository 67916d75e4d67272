using System.Globalization;
using System.Runtime.InteropServices;

namespace MediaMesh.Bench.Support;

/// <summary>What a report says about where it was measured, so figures from two machines are never compared unknowingly.</summary>
public static class Machine
{
    public static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "unknown CPU" : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }

    /// <summary>The 1/5/15-minute load average; other work on the machine inflates every timing.</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    public static IReadOnlyList<string> Describe() =>
    [
        $"Date (UTC): {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}",
        $"Machine: {Environment.ProcessorCount} logical cores ({CpuModel()}), {TotalMemoryGiB():F0} GiB, {RuntimeInformation.OSDescription}",
        $"Runtime: {RuntimeInformation.FrameworkDescription}",
        $"Load average (1/5/15 min) at start: {LoadAverage()}",
    ];

    private static double TotalMemoryGiB()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            var kib = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            return kib / 1024.0 / 1024.0;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or FormatException)
        {
            return 0;
        }
    }
}
