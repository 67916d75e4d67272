using MediaMesh.Common.Errors;
using MediaMesh.Common.Geography;

namespace MediaMesh.Exchange.Domain;

/// <summary>
/// An item a member offers. Owns its lifecycle (draft → offered → corrected… → withdrawn or killed),
/// its version counters, and the denormalised columns and tags the catalogue queries.
/// </summary>
public sealed class Offer
{
    private Offer()
    {
    }

    public string Id { get; private set; } = string.Empty;
    public string OwnerId { get; private set; } = string.Empty;
    public OfferState State { get; private set; }

    /// <summary>ninjs version: 0 while a draft, 1 on publication, +1 per correction.</summary>
    public long ContentVersion { get; private set; }

    public OfferContent Content { get; private set; } = new();

    // Denormalised from Content for indexed queries.
    public OfferType Type { get; private set; }
    public DateTime? FirstCreateTime { get; private set; }
    public DateTime? EmbargoEndTime { get; private set; }
    public DateTime? ExpireTime { get; private set; }
    public DateTime? WindowEnd { get; private set; }
    public bool Exclusive { get; private set; }
    public bool HasTerritoryAllowList { get; private set; }
    public string SearchText { get; private set; } = string.Empty;

    // The owner as the organization service described it at the last publication or correction.
    public string OwnerCountry { get; private set; } = string.Empty;
    public WorldRegion OwnerRegion { get; private set; }
    public List<string> OwnerUnionIds { get; private set; } = [];

    public string CorrectionNote { get; private set; } = string.Empty;
    public string WithdrawReason { get; private set; } = string.Empty;
    public DateTime CreateTime { get; private set; }
    public DateTime UpdateTime { get; private set; }
    public DateTime? VersionCreateTime { get; private set; }
    public DateTime? PublishTime { get; private set; }

    public List<OfferTag> Tags { get; private set; } = [];

    /// <summary>Incremented on every change; the concurrency token behind the etag.</summary>
    public long Version { get; private set; }

    public bool IsPublished => State is OfferState.Offered or OfferState.Corrected;

    public static Offer Create(string id, MemberProfile owner, OfferContent content, DateTime now)
    {
        var offer = new Offer
        {
            Id = id,
            OwnerId = owner.Id,
            State = OfferState.Draft,
            CreateTime = now,
        };
        offer.SetOwner(owner);
        offer.SetContent(content, now);
        offer.Version = 1;
        return offer;
    }

    /// <summary>Replaces the content of a draft.</summary>
    public void Edit(OfferContent content, DateTime now)
    {
        RequireDraft("edited (use CorrectOffer for a published offer)");
        SetContent(content, now);
    }

    /// <summary>Refuses early (before calls to other services) if the offer is not a draft.</summary>
    public void RequireDraft(string action)
    {
        if (State != OfferState.Draft)
        {
            throw new PreconditionFailedException($"Only a draft can be {action}; offer '{Id}' is {Describe(State)}.", "STATE", Id);
        }
    }

    /// <summary>Refuses early if the offer is not offered or corrected.</summary>
    public void RequirePublished(string action)
    {
        if (!IsPublished)
        {
            throw new PreconditionFailedException(
                $"Only an offered or corrected offer can be {action}; offer '{Id}' is {Describe(State)}.", "STATE", Id);
        }
    }

    public void Publish(MemberProfile owner, DateTime now)
    {
        RequireDraft("published");
        RequirePublishable();
        SetOwner(owner);
        State = OfferState.Offered;
        ContentVersion = 1;
        PublishTime = now;
        VersionCreateTime = now;
        if (Content.FirstCreateTime is null)
        {
            SetContent(Content with { FirstCreateTime = now }, now);
        }
        else
        {
            Touch(now);
        }
    }

    /// <summary>A new version with corrected content; the caller keeps the previous version's snapshot.</summary>
    public void Correct(OfferContent content, string note, MemberProfile owner, DateTime now)
    {
        RequirePublished("corrected");
        SetOwner(owner);
        SetContent(content, now);
        RequirePublishable();
        State = OfferState.Corrected;
        ContentVersion++;
        CorrectionNote = note;
        VersionCreateTime = now;
    }

    public void Withdraw(string reason, DateTime now)
    {
        RequirePublished("withdrawn");
        State = OfferState.Withdrawn;
        WithdrawReason = reason;
        Touch(now);
    }

    public void Kill(string reason, DateTime now)
    {
        if (State is OfferState.Draft or OfferState.Killed)
        {
            throw new PreconditionFailedException(
                $"Only a published or withdrawn offer can be killed; offer '{Id}' is {Describe(State)}.", "STATE", Id);
        }

        State = OfferState.Killed;
        WithdrawReason = reason;
        Touch(now);
    }

    /// <summary>Marks a change that is not to the content itself (e.g. a rendition added).</summary>
    public void Touch(DateTime now)
    {
        UpdateTime = now;
        foreach (var tag in Tags)
        {
            tag.Stamp(now);
        }

        Version++;
    }

    public OfferSnapshot Snapshot() => new()
    {
        Id = Id,
        OwnerId = OwnerId,
        OwnerRegion = OwnerRegion,
        State = State,
        ContentVersion = ContentVersion,
        Content = Content,
        CorrectionNote = CorrectionNote,
        WithdrawReason = WithdrawReason,
        CreateTime = CreateTime,
        UpdateTime = UpdateTime,
        VersionCreateTime = VersionCreateTime,
        RowVersion = Version,
    };

    public static string Describe(OfferState state) => state.ToString().ToLowerInvariant();

    private void RequirePublishable()
    {
        if (Content.Headlines.Count == 0)
        {
            throw new PreconditionFailedException("An offer needs at least one headline before it is offered.", "INCOMPLETE", Id);
        }

        if (Content.Rights.PermittedUses.Count == 0)
        {
            throw new PreconditionFailedException("An offer needs at least one permitted use before it is offered.", "INCOMPLETE", Id);
        }
    }

    private void SetOwner(MemberProfile owner)
    {
        OwnerCountry = owner.CountryCode;
        OwnerRegion = owner.Region;
        OwnerUnionIds = [.. owner.UnionIds];
        RefreshTags();
    }

    private void SetContent(OfferContent content, DateTime now)
    {
        Content = string.IsNullOrEmpty(content.Uri) ? content with { Uri = "urn:mediamesh:offer:" + Id } : content;
        Type = Content.Type;
        FirstCreateTime = Content.FirstCreateTime;
        EmbargoEndTime = Content.EmbargoEndTime;
        ExpireTime = Content.ExpireTime;
        WindowEnd = Content.Rights.WindowEnd;
        Exclusive = Content.Rights.Exclusive;
        HasTerritoryAllowList = Content.Rights.HasAllowList;
        SearchText = Content.SearchText();
        RefreshTags();
        Touch(now);
    }

    /// <summary>Brings the tag rows in line with the content, adding and removing only what changed.</summary>
    private void RefreshTags()
    {
        var wanted = DesiredTags().ToHashSet();
        Tags.RemoveAll(t => !wanted.Contains((t.Kind, t.Value)));
        foreach (var (kind, value) in wanted.Except(Tags.Select(t => (t.Kind, t.Value))).ToArray())
        {
            Tags.Add(new OfferTag(Id, kind, value, UpdateTime));
        }
    }

    private IEnumerable<(string Kind, string Value)> DesiredTags()
    {
        foreach (var language in Content.AudioLanguages.Concat(Content.SubtitleLanguages))
        {
            yield return (OfferTag.Language, language);
            var primary = language.Split('-')[0];
            if (primary != language)
            {
                yield return (OfferTag.Language, primary);
            }
        }

        foreach (var subject in Content.Subjects)
        {
            yield return (OfferTag.Subject, subject);
        }

        foreach (var genre in Content.Genres)
        {
            yield return (OfferTag.Genre, genre.ToLowerInvariant());
        }

        foreach (var union in OwnerUnionIds)
        {
            yield return (OfferTag.Union, union);
        }

        foreach (var initiative in Content.InitiativeIds)
        {
            yield return (OfferTag.Initiative, initiative);
        }

        var rights = Content.Rights;
        foreach (var value in rights.AllowedCountries.Concat(rights.AllowedRegions.Select(OfferTag.RegionValue)))
        {
            yield return (OfferTag.Allowed, value);
        }

        foreach (var value in rights.DeniedCountries.Concat(rights.DeniedRegions.Select(OfferTag.RegionValue)))
        {
            yield return (OfferTag.Denied, value);
        }
    }
}
