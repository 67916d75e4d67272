using Google.Protobuf.WellKnownTypes;
using MediaMesh.Common;
using MediaMesh.Common.Geography;
using MediaMesh.Exchange.Application;
using MediaMesh.Exchange.Domain;
using V1 = MediaMesh.Contracts.Exchange.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;

namespace MediaMesh.Exchange.Grpc;

/// <summary>Explicit mapping between domain objects and the v1 contract.</summary>
internal static class ExchangeMapper
{
    public static V1.Offer ToContract(this OfferView view)
    {
        var message = view.Offer.ToContract();
        message.Renditions.AddRange(view.Renditions.Select(r => r.ToContract()));
        return message;
    }

    public static V1.Offer ToContract(this OfferSnapshot s)
    {
        var c = s.Content;
        var message = new V1.Offer
        {
            Id = s.Id,
            Uri = c.Uri,
            Version = s.ContentVersion,
            OwnerId = s.OwnerId,
            Type = (V1.OfferType)c.Type,
            State = (V1.OfferState)s.State,
            Slugline = c.Slugline,
            CopyrightHolder = c.CopyrightHolder,
            CreditLine = c.CreditLine,
            UsageTerms = c.UsageTerms,
            Rights = c.Rights.ToContract(),
            CorrectionNote = s.CorrectionNote,
            WithdrawReason = s.WithdrawReason,
            CreateTime = ToTimestamp(s.CreateTime),
            UpdateTime = ToTimestamp(s.UpdateTime),
            Etag = Etag.From(s.RowVersion),
            OwnerRegion = (CommonV1.Region)s.OwnerRegion,
        };
        message.Headlines.AddRange(c.Headlines.Select(h => new CommonV1.LocalizedText { Language = h.Language, Text = h.Text, Original = h.Original }));
        message.Descriptions.AddRange(c.Descriptions.Select(d => new V1.Description { Language = d.Language, Role = (V1.DescriptionRole)d.Role, Text = d.Text }));
        message.AudioLanguages.AddRange(c.AudioLanguages);
        message.SubtitleLanguages.AddRange(c.SubtitleLanguages);
        message.Subjects.AddRange(c.Subjects);
        message.Genres.AddRange(c.Genres);
        message.InitiativeIds.AddRange(c.InitiativeIds);
        if (!string.IsNullOrEmpty(c.LocatedCountry) || !string.IsNullOrEmpty(c.LocatedCity))
        {
            message.Located = new CommonV1.Place
            {
                CountryCode = c.LocatedCountry,
                City = c.LocatedCity,
                Region = string.IsNullOrEmpty(c.LocatedCountry) ? CommonV1.Region.Unspecified : (CommonV1.Region)Countries.RegionOf(c.LocatedCountry),
            };
        }

        message.FirstCreateTime = ToTimestamp(c.FirstCreateTime);
        message.VersionCreateTime = ToTimestamp(s.VersionCreateTime);
        message.EmbargoEndTime = ToTimestamp(c.EmbargoEndTime);
        message.ExpireTime = ToTimestamp(c.ExpireTime);
        if (c.Duration is { } duration)
        {
            message.Duration = Duration.FromTimeSpan(duration);
        }

        return message;
    }

    public static V1.Rights ToContract(this OfferRights r)
    {
        var message = new V1.Rights
        {
            AllowedTerritories = Territories(r.AllowedCountries, r.AllowedRegions),
            DeniedTerritories = Territories(r.DeniedCountries, r.DeniedRegions),
            LicenceWindow = Interval(r.WindowStart, r.WindowEnd),
            Exclusive = r.Exclusive,
            Approval = new V1.ApprovalPolicy { Mode = (V1.ApprovalMode)r.Approval },
        };
        message.PermittedUses.AddRange(r.PermittedUses.Select(u => (V1.UsageKind)u));
        message.Approval.AutoApproveRegions.AddRange(r.AutoApproveRegions.Select(x => (CommonV1.Region)x));
        message.Approval.AutoApproveUnionIds.AddRange(r.AutoApproveUnionIds);
        return message;
    }

    public static V1.ContentRequest ToContract(this ContentRequest r)
    {
        var message = new V1.ContentRequest
        {
            Id = r.Id,
            OfferId = r.OfferId,
            OfferVersion = r.OfferVersion,
            RequesterId = r.RequesterId,
            OwnerId = r.OwnerId,
            Period = Interval(r.PeriodStart, r.PeriodEnd),
            Message = r.Message,
            State = (V1.ContentRequestState)r.State,
            DecisionReason = r.DecisionReason,
            AutoApproved = r.AutoApproved,
            LicenceId = r.LicenceId,
            CreateTime = ToTimestamp(r.CreateTime),
            DecisionTime = ToTimestamp(r.DecisionTime),
            Etag = Etag.From(r.Version),
        };
        message.Uses.AddRange(r.Uses.Select(u => (V1.UsageKind)u));
        message.Territories.AddRange(r.Territories);
        return message;
    }

    public static V1.Licence ToContract(this Licence l)
    {
        var message = new V1.Licence
        {
            Id = l.Id,
            OfferId = l.OfferId,
            RequestId = l.RequestId,
            LicenseeId = l.LicenseeId,
            LicensorId = l.LicensorId,
            Period = Interval(l.PeriodStart, l.PeriodEnd),
            State = (V1.LicenceState)l.State,
            GrantTime = ToTimestamp(l.GrantTime),
            LicenseeRegion = (CommonV1.Region)l.LicenseeRegion,
            LicensorRegion = (CommonV1.Region)l.LicensorRegion,
        };
        message.Uses.AddRange(l.Uses.Select(u => (V1.UsageKind)u));
        message.Territories.AddRange(l.Territories);
        return message;
    }

    public static V1.UsageReport ToContract(this UsageReport u) => new()
    {
        Id = u.Id,
        LicenceId = u.LicenceId,
        OfferId = u.OfferId,
        LicenseeId = u.LicenseeId,
        Use = (V1.UsageKind)u.Use,
        CountryCode = u.CountryCode,
        UseTime = ToTimestamp(u.UseTime),
        Channel = u.Channel,
        AudienceEstimate = u.AudienceEstimate,
        ReportTime = ToTimestamp(u.ReportTime),
    };

    public static V1.Rendition ToContract(this Rendition r) => new()
    {
        Id = r.Id,
        OfferId = r.OfferId,
        Kind = (V1.RenditionKind)r.Kind,
        FileName = r.FileName,
        MimeType = r.MimeType,
        SizeBytes = r.SizeBytes,
        Sha256 = r.Sha256,
        State = (V1.RenditionState)r.State,
        ReceivedBytes = r.ReceivedBytes,
        VideoCodec = r.VideoCodec,
        FrameRate = r.FrameRate,
        Bitrate = r.Bitrate,
        Width = r.Width,
        Height = r.Height,
        Language = r.Language,
        CreateTime = ToTimestamp(r.CreateTime),
        CompleteTime = ToTimestamp(r.CompleteTime),
    };

    public static V1.FeedEvent ToContract(this OfferEvent e) => new()
    {
        Cursor = e.Cursor,
        Type = (V1.FeedEventType)e.Type,
        Offer = e.Snapshot.ToContract(),
        EventTime = ToTimestamp(e.EventTime),
        Note = e.Note,
    };

    public static Timestamp ToTimestamp(DateTime utc) => Timestamp.FromDateTime(DateTime.SpecifyKind(utc, DateTimeKind.Utc));

    public static Timestamp? ToTimestamp(DateTime? utc) => utc is { } value ? ToTimestamp(value) : null;

    private static V1.Territories Territories(IEnumerable<string> countries, IEnumerable<WorldRegion> regions)
    {
        var message = new V1.Territories();
        message.CountryCodes.AddRange(countries);
        message.Regions.AddRange(regions.Select(r => (CommonV1.Region)r));
        return message;
    }

    private static CommonV1.TimeInterval Interval(DateTime? start, DateTime? end) => new()
    {
        StartTime = ToTimestamp(start),
        EndTime = ToTimestamp(end),
    };
}
