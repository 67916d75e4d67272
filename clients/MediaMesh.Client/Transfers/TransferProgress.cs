namespace MediaMesh.Client.Transfers;

/// <summary>What a transfer is doing.</summary>
public enum TransferPhase
{
    /// <summary>Reading the local file to compute its SHA-256 before declaring it.</summary>
    Hashing,

    /// <summary>Moving bytes.</summary>
    Transferring,

    /// <summary>The connection broke; waiting before resuming from the server's state.</summary>
    Resuming,

    /// <summary>Checking the SHA-256 of the whole file.</summary>
    Verifying,

    /// <summary>Done and verified.</summary>
    Completed,
}

/// <summary>A progress report: bytes done of the total, the recent rate and the estimated time left.</summary>
public sealed record TransferProgress(
    TransferPhase Phase,
    long BytesDone,
    long TotalBytes,
    double BytesPerSecond,
    TimeSpan? EstimatedRemaining,
    int Attempt)
{
    /// <summary>0 to 1.</summary>
    public double Fraction => TotalBytes <= 0 ? 1 : Math.Clamp((double)BytesDone / TotalBytes, 0, 1);
}

/// <summary>How a rendition is declared before it is uploaded.</summary>
public sealed record RenditionDeclaration(
    MediaMesh.Contracts.Exchange.V1.RenditionKind Kind,
    string MimeType,
    string? FileName = null,
    string? Language = null,
    string? VideoCodec = null,
    int Width = 0,
    int Height = 0,
    double FrameRate = 0,
    long Bitrate = 0);

/// <summary>Limits of the resume loops of uploads and downloads.</summary>
public sealed record TransferOptions
{
    /// <summary>Bytes per upload message (the service accepts at most 1 MiB).</summary>
    public int ChunkBytes { get; init; } = 1024 * 1024;

    /// <summary>Consecutive attempts that make no progress before the transfer gives up.</summary>
    public int MaxAttemptsWithoutProgress { get; init; } = 6;

    /// <summary>First wait before resuming; doubles up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest wait before resuming.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>An attempt that moves no byte for this long is abandoned and resumed.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>Bytes per second over the last few seconds, and an ETA from it.</summary>
internal sealed class RateMeter(long total, TimeProvider clock)
{
    private readonly Queue<(long Ticks, long Bytes)> _samples = new();

    public TransferProgress Report(TransferPhase phase, long done, int attempt)
    {
        var now = clock.GetTimestamp();
        _samples.Enqueue((now, done));
        while (_samples.Count > 2 && clock.GetElapsedTime(_samples.Peek().Ticks, now) > TimeSpan.FromSeconds(5))
        {
            _samples.Dequeue();
        }

        var (firstTicks, firstBytes) = _samples.Peek();
        var seconds = clock.GetElapsedTime(firstTicks, now).TotalSeconds;
        var rate = seconds > 0.05 ? Math.Max(0, done - firstBytes) / seconds : 0;
        TimeSpan? eta = rate > 0 ? TimeSpan.FromSeconds((total - done) / rate) : null;
        return new TransferProgress(phase, done, total, rate, eta, attempt);
    }

    public void Restart() => _samples.Clear();
}

/// <summary>Which failures a resume loop tries again: a broken or stalled connection, a service briefly away.</summary>
internal static class TransientFailure
{
    public static bool Is(Exception e, CancellationToken callerToken) => e switch
    {
        _ when callerToken.IsCancellationRequested => false,
        Grpc.Core.RpcException rpc => rpc.StatusCode is Grpc.Core.StatusCode.Unavailable or Grpc.Core.StatusCode.Internal
            or Grpc.Core.StatusCode.Unknown or Grpc.Core.StatusCode.Cancelled or Grpc.Core.StatusCode.DeadlineExceeded
            or Grpc.Core.StatusCode.ResourceExhausted,
        IOException or HttpRequestException or OperationCanceledException => true,
        _ => false,
    };

    public static TimeSpan Backoff(int failures, TransferOptions options, Exception e)
    {
        if (e is MediaMeshException { RetryDelay: { } serverDelay })
        {
            return serverDelay;
        }

        var exponential = options.InitialBackoff.TotalMilliseconds * Math.Pow(2, Math.Max(0, failures - 1));
        var capped = Math.Min(exponential, options.MaxBackoff.TotalMilliseconds);
        // Jitter so many clients cut by the same outage do not come back in lockstep.
        return TimeSpan.FromMilliseconds(capped * (0.75 + (Random.Shared.NextDouble() * 0.5)));
    }
}
