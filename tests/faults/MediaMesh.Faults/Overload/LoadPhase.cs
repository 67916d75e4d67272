using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using MediaMesh.Bench.Support;

namespace MediaMesh.Faults.Overload;

/// <summary>Every call of one phase of load, and how long the phase ran.</summary>
public sealed record LoadPhase(string Name, long StartedAt, TimeSpan Elapsed, IReadOnlyList<CallOutcome> Calls, long NotSent)
{
    public IEnumerable<CallOutcome> Admitted => Calls.Where(c => c.Code == StatusCode.OK);

    public double CallsPerSecond => Calls.Count / Elapsed.TotalSeconds;

    public double AdmittedPerSecond => Admitted.Count() / Elapsed.TotalSeconds;

    public Summary AdmittedLatency => Summary.Of(Admitted.Select(c => c.LatencyMs));

    /// <summary>Admitted latency of the calls started at least <paramref name="after"/> into the phase.</summary>
    public Summary AdmittedLatencyAfter(TimeSpan after) =>
        Summary.Of(Admitted.Where(c => Stopwatch.GetElapsedTime(StartedAt, c.StartedAt) >= after).Select(c => c.LatencyMs));

    public IReadOnlyDictionary<StatusCode, int> Codes => Calls.GroupBy(c => c.Code).ToDictionary(g => g.Key, g => g.Count());

    public string CodesText => string.Join(", ", Codes.OrderByDescending(c => c.Value).Select(c => $"{c.Key} ×{c.Value}"));

    /// <summary>
    /// Closed loop: <paramref name="workers"/> callers, each making one call after another for
    /// <paramref name="duration"/>; worker w calls as member <c>memberOf(w)</c>.
    /// </summary>
    public static async Task<LoadPhase> ClosedLoopAsync(string name, UnaryMix mix, int workers, Func<int, int> memberOf, TimeSpan duration, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var results = await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var calls = new List<CallOutcome>();
            while (Stopwatch.GetElapsedTime(started) < duration && !ct.IsCancellationRequested)
            {
                calls.Add(await mix.CallAsync(memberOf(w), ct));
            }

            return calls;
        }, ct)));
        return new LoadPhase(name, started, Stopwatch.GetElapsedTime(started), [.. results.SelectMany(r => r)], 0);
    }

    /// <summary>
    /// Open loop: starts calls at <paramref name="callsPerSecond"/> whatever happens to the earlier ones
    /// (as many independent members would), call n as member <c>memberFor(n)</c>. The generator holds at
    /// most <paramref name="maxOutstanding"/> calls of its own; a call due beyond that is counted as not sent.
    /// </summary>
    public static async Task<LoadPhase> OpenLoopAsync(string name, UnaryMix mix, double callsPerSecond, Func<long, int> memberFor, TimeSpan duration,
        int maxOutstanding, CancellationToken ct)
    {
        var calls = new ConcurrentQueue<CallOutcome>();
        var outstanding = 0;
        long launched = 0, notSent = 0;
        var started = Stopwatch.GetTimestamp();
        while (!ct.IsCancellationRequested)
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (elapsed >= duration)
            {
                break;
            }

            var due = (long)(elapsed.TotalSeconds * callsPerSecond);
            for (; launched < due; launched++)
            {
                if (Volatile.Read(ref outstanding) >= maxOutstanding)
                {
                    notSent++;
                    continue;
                }

                Interlocked.Increment(ref outstanding);
                var member = memberFor(launched);
                _ = Task.Run(async () =>
                {
                    calls.Enqueue(await mix.CallAsync(member, ct));
                    Interlocked.Decrement(ref outstanding);
                }, CancellationToken.None);
            }

            await Task.Delay(1, CancellationToken.None);
        }

        var elapsedAtStop = Stopwatch.GetElapsedTime(started);
        var drained = Stopwatch.StartNew();
        while (Volatile.Read(ref outstanding) > 0 && drained.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(10, CancellationToken.None);
        }

        return new LoadPhase(name, started, elapsedAtStop, [.. calls], notSent);
    }
}
