namespace MediaMesh.Faults;

/// <summary>One part of the fault suite: a fault done to the running suite and what must hold through it.</summary>
public abstract class FaultPart
{
    /// <summary>The name on the command line, e.g. "fuzz".</summary>
    public abstract string Name { get; }

    /// <summary>The heading in bench/results/faults.md.</summary>
    public abstract string Title { get; }

    /// <summary>
    /// Does the fault and records what was done, the counts and every check in <paramref name="report"/>.
    /// An exception fails the part (recorded as a failed check), never the run.
    /// </summary>
    public abstract Task RunAsync(FaultRun run, PartReport report, CancellationToken ct);
}
