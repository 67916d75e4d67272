using MediaMesh.Common.Errors;
using MediaMesh.Common.Geography;

namespace MediaMesh.Exchange.Domain;

/// <summary>A licensee's report that it aired or published an item; the basis of the exchange balance.</summary>
public sealed class UsageReport
{
    private UsageReport()
    {
    }

    public string Id { get; private set; } = string.Empty;
    public string LicenceId { get; private set; } = string.Empty;
    public string OfferId { get; private set; } = string.Empty;
    public string LicenseeId { get; private set; } = string.Empty;
    public string LicensorId { get; private set; } = string.Empty;
    public UsageKind Use { get; private set; }
    public string CountryCode { get; private set; } = string.Empty;
    public DateTime UseTime { get; private set; }
    public string Channel { get; private set; } = string.Empty;
    public long AudienceEstimate { get; private set; }
    public DateTime ReportTime { get; private set; }
    public WorldRegion LicenseeRegion { get; private set; }
    public List<string> LicenseeUnionIds { get; private set; } = [];
    public WorldRegion LicensorRegion { get; private set; }
    public List<string> LicensorUnionIds { get; private set; } = [];

    /// <summary>The client's key for one airing or publication: a report sent again with it is the same report.</summary>
    public string RequestId { get; private set; } = string.Empty;

    /// <summary>
    /// Records a use after checking that the licence permits it and that the item could be used then: not
    /// before the licence was granted, not under embargo, not after the item's current expiry.
    /// </summary>
    public static UsageReport Record(
        string id, Licence licence, OfferTerms offer, string requestId, UsageKind use, string countryCode, DateTime useTime, string channel, long audience, DateTime now)
    {
        if (licence.State != LicenceState.Active)
        {
            throw new PreconditionFailedException("The licence is no longer in force (the item was killed).", "LICENCE", licence.Id);
        }

        if (!licence.Uses.Contains(use))
        {
            throw new PreconditionFailedException($"The licence does not permit {use.ToString().ToLowerInvariant()} use.", "USE", licence.Id);
        }

        if (!licence.Territories.Contains(countryCode))
        {
            throw new PreconditionFailedException($"The licence does not cover {countryCode}.", "TERRITORY", licence.Id);
        }

        if (!licence.CoversTime(useTime))
        {
            throw new PreconditionFailedException("The use time lies outside the licence period.", "PERIOD", licence.Id);
        }

        if (useTime < licence.GrantTime)
        {
            throw new PreconditionFailedException("The use time is before the licence was granted.", "BEFORE_GRANT", licence.Id);
        }

        if (offer.EmbargoEndTime is { } embargo && useTime < embargo)
        {
            throw new PreconditionFailedException($"The item was under embargo until {RightsPolicy.Format(embargo)} at the use time.", "EMBARGO", licence.Id);
        }

        if (offer.ExpireTime is { } expiry && useTime >= expiry)
        {
            throw new PreconditionFailedException($"The item expired at {RightsPolicy.Format(expiry)}, before the use time.", "EXPIRED", licence.Id);
        }

        return new UsageReport
        {
            Id = id,
            RequestId = requestId,
            LicenceId = licence.Id,
            OfferId = licence.OfferId,
            LicenseeId = licence.LicenseeId,
            LicensorId = licence.LicensorId,
            Use = use,
            CountryCode = countryCode,
            UseTime = useTime,
            Channel = channel,
            AudienceEstimate = audience,
            ReportTime = now,
            LicenseeRegion = licence.LicenseeRegion,
            LicenseeUnionIds = [.. licence.LicenseeUnionIds],
            LicensorRegion = licence.LicensorRegion,
            LicensorUnionIds = [.. licence.LicensorUnionIds],
        };
    }
}
