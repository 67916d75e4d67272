using System.Globalization;

namespace MediaMesh.Bench.Support;

/// <summary>A process's CPU time and memory as the kernel counts them (/proc), whatever the process is written in.</summary>
public static class ProcessMeter
{
    // USER_HZ: the unit of utime/stime in /proc/<pid>/stat. It is 100 on every Linux the project runs on
    // (the kernel's exported value; sysconf(_SC_CLK_TCK) reports it and glibc hard-codes it for x86-64).
    private const double TicksPerSecond = 100;

    /// <summary>User + system CPU time of the process and all its threads (children not included).</summary>
    public static TimeSpan CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) is in parentheses and may contain spaces: count fields after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
        var stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds((utime + stime) / TicksPerSecond);
    }

    /// <summary>CPU time summed over several processes (a proxy with worker processes, for one).</summary>
    public static TimeSpan CpuTime(IEnumerable<int> pids) =>
        pids.Aggregate(TimeSpan.Zero, (total, pid) => total + CpuTime(pid));

    /// <summary>Resident set size now and its peak (VmRSS, VmHWM), in bytes.</summary>
    public static (long Rss, long PeakRss) Memory(int pid)
    {
        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kib(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kib(line);
            }
        }

        return (rss, peak);
    }

    /// <summary>The process and every process below it (nginx and haproxy fork workers).</summary>
    public static IReadOnlyList<int> WithDescendants(int pid)
    {
        var all = new List<int> { pid };
        for (var i = 0; i < all.Count; i++)
        {
            var children = $"/proc/{all[i]}/task/{all[i]}/children";
            if (File.Exists(children))
            {
                all.AddRange(File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture)));
            }
        }

        return all;
    }

    private static long Kib(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
}
