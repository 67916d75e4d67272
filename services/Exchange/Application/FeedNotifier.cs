namespace MediaMesh.Exchange.Application;

/// <summary>
/// Wakes feed subscribers of this instance after an event is committed. Only a hint: subscribers
/// also poll the durable log, so events written by another instance are found too.
/// </summary>
public sealed class FeedNotifier
{
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Take this before reading the log, so a commit between the read and the wait is not missed.</summary>
    public Task Current => Volatile.Read(ref _signal).Task;

    public void Signal()
    {
        var previous = Interlocked.Exchange(ref _signal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        previous.TrySetResult();
    }
}
