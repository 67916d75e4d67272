using MediaMesh.Common.Errors;
using MediaMesh.Common.Geography;

namespace MediaMesh.Organizations.Domain;

/// <summary>
/// A member of the mechanism. Descriptive fields are validated before they reach this class;
/// it owns the rules of its lifecycle (pending → active ⇄ suspended) and of its derived data.
/// </summary>
public sealed class Organization
{
    private Organization()
    {
    }

    public string Id { get; private set; } = string.Empty;
    public OrganizationKind Kind { get; private set; }
    public List<LocalizedName> Names { get; private set; } = [];
    public string ShortName { get; private set; } = string.Empty;
    public string CountryCode { get; private set; } = string.Empty;
    public WorldRegion Region { get; private set; }
    public List<string> WorkingLanguages { get; private set; } = [];
    public string Website { get; private set; } = string.Empty;
    public string ContactEmail { get; private set; } = string.Empty;
    public OrganizationStatus Status { get; private set; }
    public OrganizationRole Role { get; private set; }
    public DateTime CreateTime { get; private set; }
    public DateTime UpdateTime { get; private set; }

    /// <summary>Lower-case original name: the directory's sort key.</summary>
    public string SortName { get; private set; } = string.Empty;

    /// <summary>Lower-case names and short name, searched by ListOrganizations' text filter.</summary>
    public string SearchText { get; private set; } = string.Empty;

    /// <summary>Incremented on every change; the concurrency token behind the etag.</summary>
    public long Version { get; private set; }

    public static Organization Register(
        string id, OrganizationKind kind, IReadOnlyList<LocalizedName> names, string shortName, string countryCode,
        IReadOnlyList<string> workingLanguages, string website, string contactEmail, DateTime now)
    {
        var organization = new Organization
        {
            Id = id,
            Kind = kind,
            Status = OrganizationStatus.Pending,
            Role = OrganizationRole.Member,
            CreateTime = now,
            Version = 1,
        };
        organization.Describe(names, shortName, countryCode, workingLanguages, website, contactEmail, now, byCoordinator: true);
        organization.Version = 1;
        return organization;
    }

    /// <summary>Replaces the descriptive fields; the region follows the country.</summary>
    /// <summary>
    /// Sets the descriptive fields. The country is identity, not description: it decides the
    /// region, and so territory rights, auto-approval and who hears of what in the exchange's feed.
    /// Only a coordinator may change it (<paramref name="byCoordinator"/>); an organisation that has
    /// moved asks a coordinator to record it.
    /// </summary>
    public void Describe(
        IReadOnlyList<LocalizedName> names, string shortName, string countryCode,
        IReadOnlyList<string> workingLanguages, string website, string contactEmail, DateTime now, bool byCoordinator)
    {
        if (!byCoordinator && !string.Equals(countryCode, CountryCode, StringComparison.Ordinal))
        {
            throw new PermissionDeniedException(
                "Only a coordinator may change an organisation's country (it decides the region and territory rights); ask a coordinator.");
        }

        Names = [.. names];
        ShortName = shortName;
        CountryCode = countryCode;
        Region = Countries.RegionOf(countryCode);
        WorkingLanguages = [.. workingLanguages];
        Website = website;
        ContactEmail = contactEmail;
        var original = names.FirstOrDefault(n => n.Original) ?? names[0];
        SortName = original.Text.ToLowerInvariant();
        SearchText = string.Join('\n', names.Select(n => n.Text).Append(shortName)).ToLowerInvariant();
        Touch(now);
    }

    public void Activate(DateTime now)
    {
        if (Status == OrganizationStatus.Active)
        {
            throw new PreconditionFailedException($"Organisation '{Id}' is already active.", "STATUS", Id);
        }

        Status = OrganizationStatus.Active;
        Touch(now);
    }

    public void Suspend(DateTime now)
    {
        if (Status != OrganizationStatus.Active)
        {
            throw new PreconditionFailedException(
                $"Only an active organisation can be suspended; '{Id}' is {Status.ToString().ToLowerInvariant()}.", "STATUS", Id);
        }

        Status = OrganizationStatus.Suspended;
        Touch(now);
    }

    public void SetRole(OrganizationRole role, DateTime now)
    {
        Role = role;
        Touch(now);
    }

    /// <summary>Marks the very first coordinator of an empty system (bootstrap): active at once.</summary>
    public void MakeFoundingCoordinator(DateTime now)
    {
        Role = OrganizationRole.Coordinator;
        Status = OrganizationStatus.Active;
        Touch(now);
    }

    private void Touch(DateTime now)
    {
        UpdateTime = now;
        Version++;
    }
}
