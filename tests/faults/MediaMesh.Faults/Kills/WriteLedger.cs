using System.Collections.Concurrent;

namespace MediaMesh.Faults.Kills;

/// <summary>
/// What one write should have left behind. <see cref="Acked"/> is what the last acknowledged write made
/// it; when a later write of the same resource failed during a kill (outcome unknown), <see cref="Uncertain"/>
/// is what that write would have made it, and either is acceptable — nothing else is. A writer never
/// writes a resource again after an unknown outcome, so there is at most one uncertain step.
/// </summary>
public sealed class Expected<T>(string id, T acked)
    where T : notnull
{
    public string Id { get; } = id;

    public T Acked { get; private set; } = acked;

    public T? Uncertain { get; private set; }

    public bool HasUncertain { get; private set; }

    public void Acknowledge(T state)
    {
        Acked = state;
        Uncertain = default;
        HasUncertain = false;
    }

    public void Attempted(T state)
    {
        Uncertain = state;
        HasUncertain = true;
    }

    /// <summary>Whether <paramref name="observed"/> is what the acknowledged writes (or the one uncertain write) made.</summary>
    public bool Matches(T observed) => Equals(observed, Acked) || (HasUncertain && Equals(observed, Uncertain));
}

/// <summary>An offer as its writer left it: state and English headline (versions are the store invariants' to check).</summary>
public sealed record OfferShape(Contracts.Exchange.V1.OfferState State, string Headline);

/// <summary>A content request: its state (its licence, once approved, is checked on its own).</summary>
public sealed record RequestShape(Contracts.Exchange.V1.ContentRequestState State);

/// <summary>An initiative: its state and title.</summary>
public sealed record InitiativeShape(Contracts.Initiative.V1.InitiativeState State, string Title);

/// <summary>A verified rendition: its declared size and SHA-256, and whether a kill interrupted its upload.</summary>
public sealed record RenditionWrite(string Id, long SizeBytes, string Sha256, bool Interrupted);

/// <summary>A licence as granted: which request, offer and licensee.</summary>
public sealed record LicenceWrite(string Id, string RequestId, string OfferId, string LicenseeId);

/// <summary>Every acknowledged write of one round (one provider), by kind, with the counts of attempts.</summary>
public sealed class WriteLedger
{
    private readonly ConcurrentDictionary<string, long> _attempted = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _acknowledged = new(StringComparer.Ordinal);

    /// <summary>Offer id → (owner member index, expected shape).</summary>
    public ConcurrentDictionary<string, (int Owner, Expected<OfferShape> Shape)> Offers { get; } = new(StringComparer.Ordinal);

    /// <summary>Request id → (requester member index, offer id, expected shape).</summary>
    public ConcurrentDictionary<string, (int Requester, string OfferId, Expected<RequestShape> Shape)> Requests { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, LicenceWrite> Licences { get; } = new(StringComparer.Ordinal);

    /// <summary>Initiative id → (proposer member index, expected shape).</summary>
    public ConcurrentDictionary<string, (int Proposer, Expected<InitiativeShape> Shape)> Initiatives { get; } = new(StringComparer.Ordinal);

    /// <summary>Acknowledged signatures: (initiative id, organization id).</summary>
    public ConcurrentDictionary<(string InitiativeId, string OrganizationId), bool> Signatures { get; } = new();

    public ConcurrentDictionary<string, RenditionWrite> Renditions { get; } = new(StringComparer.Ordinal);

    public void Attempt(string kind) => _attempted.AddOrUpdate(kind, 1, (_, n) => n + 1);

    public void Acknowledge(string kind) => _acknowledged.AddOrUpdate(kind, 1, (_, n) => n + 1);

    public long Attempted(string kind) => _attempted.GetValueOrDefault(kind);

    public long Acknowledged(string kind) => _acknowledged.GetValueOrDefault(kind);

    public IEnumerable<string> Kinds => _attempted.Keys.Order(StringComparer.Ordinal);

    public long TotalAttempted => _attempted.Values.Sum();

    public long TotalAcknowledged => _acknowledged.Values.Sum();
}
