using MediaMesh.Common.Geography;
using MediaMesh.Initiatives.Domain;

namespace MediaMesh.Initiatives.Application;

/// <summary>An initiative with its number of current (not withdrawn) signatories.</summary>
public sealed record InitiativeView(Initiative Initiative, int SignatoryCount);

/// <summary>Filters of ListInitiatives; unset members match everything.</summary>
public sealed record InitiativeQuery(
    InitiativeKind? Kind,
    InitiativeState? State,
    string? ProposerId,
    string? SignatoryId,
    WorldRegion? Region,
    DateTime? PeriodStart,
    DateTime? PeriodEnd,
    string? Text)
{
    public string Fingerprint => $"{Kind}|{State}|{ProposerId}|{SignatoryId}|{Region}|{PeriodStart:O}|{PeriodEnd:O}|{Text}";
}

/// <summary>Filters of ListSignatures.</summary>
public sealed record SignatureQuery(WorldRegion? Region, string? CountryCode, string? UnionId, bool ShowWithdrawn)
{
    public string Fingerprint(string initiativeId) => $"{initiativeId}|{Region}|{CountryCode}|{UnionId}|{ShowWithdrawn}";
}

/// <summary>Signer details given with SignInitiative.</summary>
public sealed record SignerDetails(string Name, string Title);
