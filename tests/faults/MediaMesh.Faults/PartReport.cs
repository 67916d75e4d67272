using System.Globalization;

namespace MediaMesh.Faults;

/// <summary>One check of a part: what must hold, whether it did, and the evidence.</summary>
public sealed record FaultCheck(string Name, bool Passed, string Detail);

/// <summary>What a part did (counts of requests, kills, restarts…), what it checked, and what it found.</summary>
public sealed class PartReport(FaultPart part)
{
    private readonly List<string> _done = [];
    private readonly List<(string Name, string Value)> _counts = [];
    private readonly List<FaultCheck> _checks = [];
    private readonly List<string> _notes = [];

    public FaultPart Part { get; } = part;

    public TimeSpan Duration { get; set; }

    public IReadOnlyList<string> Done => _done;

    public IReadOnlyList<(string Name, string Value)> Counts => _counts;

    public IReadOnlyList<FaultCheck> Checks => _checks;

    public IReadOnlyList<string> Notes => _notes;

    public bool Passed => _checks.Count > 0 && _checks.All(c => c.Passed);

    /// <summary>A sentence of what the part did (the set-up, the fault, the load).</summary>
    public void Did(string sentence) => _done.Add(sentence);

    public void Count(string name, long value) => _counts.Add((name, value.ToString("N0", CultureInfo.InvariantCulture)));

    public void Count(string name, string value) => _counts.Add((name, value));

    /// <summary>Something the reader should know that is not a check (a limit of the method, a figure for context).</summary>
    public void Note(string sentence) => _notes.Add(sentence);

    /// <summary>Records a check; returns whether it passed.</summary>
    public bool Check(string name, bool passed, string detail)
    {
        lock (_checks)
        {
            _checks.Add(new FaultCheck(name, passed, detail));
        }

        Console.WriteLine($"  {(passed ? "PASS" : "FAIL")} {Part.Name}: {name} — {detail}");
        return passed;
    }
}
