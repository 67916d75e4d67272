using MediaMesh.Bench.Support;

namespace MediaMesh.Faults.Overload;

/// <summary>Samples the resident set size (VmRSS in /proc) of named processes every 200 ms until disposed; keeps each one's peak.</summary>
public sealed class MemoryWatch : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, int> _pids;
    private readonly Dictionary<string, long> _peaks;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;

    public MemoryWatch(IReadOnlyDictionary<string, int> pids)
    {
        _pids = pids;
        _peaks = pids.Keys.ToDictionary(name => name, _ => 0L);
        _sampling = SampleAsync();
    }

    /// <summary>Peak RSS per process (bytes) over the samples so far.</summary>
    public IReadOnlyDictionary<string, long> Peaks
    {
        get
        {
            lock (_peaks)
            {
                return new Dictionary<string, long>(_peaks);
            }
        }
    }

    public static IReadOnlyDictionary<string, long> Now(IReadOnlyDictionary<string, int> pids) =>
        pids.ToDictionary(p => p.Key, p => ProcessMeter.Memory(p.Value).Rss);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
    }

    private async Task SampleAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var now = Now(_pids);
            lock (_peaks)
            {
                foreach (var (name, rss) in now)
                {
                    _peaks[name] = Math.Max(_peaks[name], rss);
                }
            }

            try
            {
                await Task.Delay(200, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
