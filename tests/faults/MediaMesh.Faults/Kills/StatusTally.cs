using System.Collections.Concurrent;
using Grpc.Core;

namespace MediaMesh.Faults.Kills;

/// <summary>
/// The outcome of every call the writers made, by gRPC status (OK included), with one example
/// message per failing status and method, for the report's evidence.
/// </summary>
public sealed class StatusTally
{
    /// <summary>What a call refused while a process is down or restarting may end with; nothing was promised.</summary>
    public static readonly IReadOnlySet<StatusCode> KillTimeStatuses = new HashSet<StatusCode>
    {
        StatusCode.Unavailable, StatusCode.DeadlineExceeded, StatusCode.Cancelled, StatusCode.ResourceExhausted,
    };

    private readonly ConcurrentDictionary<StatusCode, long> _counts = new();
    private readonly ConcurrentDictionary<(StatusCode, string), string> _examples = new();
    private readonly ConcurrentQueue<TimedFailure> _timed = new();

    public void Ok() => _counts.AddOrUpdate(StatusCode.OK, 1, (_, n) => n + 1);

    public void Failed(string method, StatusCode code, string detail)
    {
        _counts.AddOrUpdate(code, 1, (_, n) => n + 1);
        _examples.TryAdd((code, method), detail.Length > 160 ? detail[..160] : detail);
    }

    /// <summary>A failed call and when it ran (the first <see cref="MaxTimed"/> are kept), so a report can place it among the faults.</summary>
    public void Failed(string method, StatusCode code, string detail, DateTime startedUtc)
    {
        Failed(method, code, detail);
        if (_timed.Count < MaxTimed)
        {
            _timed.Enqueue(new TimedFailure(method, code, startedUtc, DateTime.UtcNow));
        }
    }

    public const int MaxTimed = 100;

    /// <summary>The failed calls recorded with their times, in the order they ended.</summary>
    public IReadOnlyList<TimedFailure> TimedFailures => [.. _timed];

    public long Count(StatusCode code) => _counts.GetValueOrDefault(code);

    public IReadOnlyList<(StatusCode Code, long Count)> All =>
        [.. _counts.OrderBy(c => c.Key).Select(c => (c.Key, c.Value))];

    public long Unexpected => _counts.Where(c => c.Key != StatusCode.OK && !KillTimeStatuses.Contains(c.Key)).Sum(c => c.Value);

    /// <summary>Examples of the statuses a kill should never cause (INTERNAL, UNKNOWN, or any other than <see cref="KillTimeStatuses"/>).</summary>
    public IEnumerable<string> UnexpectedExamples =>
        _examples.Where(e => !KillTimeStatuses.Contains(e.Key.Item1)).Select(e => $"{e.Key.Item1} {e.Key.Item2}: {e.Value}");

    /// <summary>One example of every failing status and method: "UNAVAILABLE CreateOffer: message".</summary>
    public IEnumerable<string> FailureExamples => _examples.Select(e => $"{e.Key.Item1} {e.Key.Item2}: {e.Value}");

    public string Summary => string.Join(", ", All.Select(c => $"{c.Code} {c.Count}"));
}

/// <summary>A call that failed, with when it started and ended (UTC).</summary>
public sealed record TimedFailure(string Method, StatusCode Code, DateTime StartedUtc, DateTime EndedUtc);
