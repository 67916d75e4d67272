using MediaMesh.Common.Geography;

namespace MediaMesh.Exchange.Domain;

/// <summary>A text in one language.</summary>
public sealed record LocalizedText(string Language, string Text, bool Original);

/// <summary>A description in one language with its ninjs role.</summary>
public sealed record DescriptionText(string Language, DescriptionRole Role, string Text);

/// <summary>
/// The member-editable part of an offer: ninjs-style metadata and the enforced rights. Validated and
/// normalised before it reaches the domain; stored as one JSON document and snapshotted per version.
/// </summary>
public sealed record OfferContent
{
    public string Uri { get; init; } = string.Empty;
    public OfferType Type { get; init; }
    public IReadOnlyList<LocalizedText> Headlines { get; init; } = [];
    public IReadOnlyList<DescriptionText> Descriptions { get; init; } = [];
    public string Slugline { get; init; } = string.Empty;
    public IReadOnlyList<string> AudioLanguages { get; init; } = [];
    public IReadOnlyList<string> SubtitleLanguages { get; init; } = [];
    public IReadOnlyList<string> Subjects { get; init; } = [];
    public IReadOnlyList<string> Genres { get; init; } = [];
    public string LocatedCountry { get; init; } = string.Empty;
    public string LocatedCity { get; init; } = string.Empty;
    public DateTime? FirstCreateTime { get; init; }
    public DateTime? EmbargoEndTime { get; init; }
    public DateTime? ExpireTime { get; init; }
    public string CopyrightHolder { get; init; } = string.Empty;
    public string CreditLine { get; init; } = string.Empty;
    public string UsageTerms { get; init; } = string.Empty;
    public TimeSpan? Duration { get; init; }
    public IReadOnlyList<string> InitiativeIds { get; init; } = [];
    public OfferRights Rights { get; init; } = new();

    /// <summary>The words (<see cref="SearchWords"/>) of headlines, slugline and descriptions: what the catalogue's text search indexes.</summary>
    public string SearchText() =>
        SearchWords.Indexed(Headlines.Select(h => h.Text).Append(Slugline).Concat(Descriptions.Select(d => d.Text)));
}

/// <summary>
/// Machine-checkable rights in the spirit of ODRL: what is not permitted is prohibited.
/// Empty allowed territories mean worldwide; denied territories win over allowed ones.
/// </summary>
public sealed record OfferRights
{
    public IReadOnlyList<string> AllowedCountries { get; init; } = [];
    public IReadOnlyList<WorldRegion> AllowedRegions { get; init; } = [];
    public IReadOnlyList<string> DeniedCountries { get; init; } = [];
    public IReadOnlyList<WorldRegion> DeniedRegions { get; init; } = [];
    public DateTime? WindowStart { get; init; }
    public DateTime? WindowEnd { get; init; }
    public IReadOnlyList<UsageKind> PermittedUses { get; init; } = [];
    public bool Exclusive { get; init; }
    public ApprovalMode Approval { get; init; } = ApprovalMode.Manual;
    public IReadOnlyList<WorldRegion> AutoApproveRegions { get; init; } = [];
    public IReadOnlyList<string> AutoApproveUnionIds { get; init; } = [];

    public bool HasAllowList => AllowedCountries.Count > 0 || AllowedRegions.Count > 0;

    /// <summary>True if <paramref name="countryCode"/> may be licensed at all (allowed and not denied).</summary>
    public bool PermitsTerritory(string countryCode)
    {
        var region = Countries.IsValid(countryCode) ? Countries.RegionOf(countryCode) : WorldRegion.Unspecified;
        if (DeniedCountries.Contains(countryCode) || DeniedRegions.Contains(region))
        {
            return false;
        }

        return !HasAllowList || AllowedCountries.Contains(countryCode) || AllowedRegions.Contains(region);
    }
}
