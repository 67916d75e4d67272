using Google.Protobuf.WellKnownTypes;
using MediaMesh.Common;
using MediaMesh.Common.Geography;
using MediaMesh.Initiatives.Application;
using MediaMesh.Initiatives.Domain;
using V1 = MediaMesh.Contracts.Initiative.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;

namespace MediaMesh.Initiatives.Grpc;

/// <summary>Explicit mapping between domain objects and the v1 contract.</summary>
internal static class InitiativeMapper
{
    public static V1.Initiative ToContract(this InitiativeView view)
    {
        var i = view.Initiative;
        var message = new V1.Initiative
        {
            Id = i.Id,
            Kind = (V1.InitiativeKind)i.Kind,
            State = (V1.InitiativeState)i.State,
            SignatoryCount = view.SignatoryCount,
            CreateTime = ToTimestamp(i.CreateTime),
            UpdateTime = ToTimestamp(i.UpdateTime),
            Etag = Etag.From(i.Version),
        };
        message.Titles.AddRange(i.Titles.Select(ToContract));
        message.Charter.AddRange(i.Charter.Select(ToContract));
        message.Objectives.AddRange(i.Objectives.Select(o => new V1.Objective { Text = { o.Text.Select(ToContract) } }));
        message.ProposerIds.AddRange(i.ProposerIds);
        message.TargetRegions.AddRange(i.TargetRegions.Select(r => (CommonV1.Region)r));
        if (i.StartTime is { } start)
        {
            message.StartTime = ToTimestamp(start);
        }

        if (i.EndTime is { } end)
        {
            message.EndTime = ToTimestamp(end);
        }

        return message;
    }

    public static V1.Signature ToContract(this Signature s)
    {
        var message = new V1.Signature
        {
            InitiativeId = s.InitiativeId,
            OrganizationId = s.OrganizationId,
            SignerName = s.SignerName,
            SignerTitle = s.SignerTitle,
            State = (V1.SignatureState)s.State,
            SignTime = ToTimestamp(s.SignTime),
            WithdrawReason = s.WithdrawReason,
            CountryCode = s.CountryCode,
            Region = (CommonV1.Region)s.Region,
        };
        message.UnionIds.AddRange(s.UnionIds);
        if (s.WithdrawTime is { } withdrawn)
        {
            message.WithdrawTime = ToTimestamp(withdrawn);
        }

        return message;
    }

    public static V1.Activity ToContract(this Activity a)
    {
        var message = new V1.Activity
        {
            Id = a.Id,
            InitiativeId = a.InitiativeId,
            Kind = (V1.ActivityKind)a.Kind,
            Place = new CommonV1.Place { CountryCode = a.CountryCode, City = a.City, Region = (CommonV1.Region)a.Region },
            StartTime = ToTimestamp(a.StartTime),
            Status = (V1.ActivityStatus)a.Status,
            CreateTime = ToTimestamp(a.CreateTime),
            UpdateTime = ToTimestamp(a.UpdateTime),
            Etag = Etag.From(a.Version),
        };
        message.Titles.AddRange(a.Titles.Select(ToContract));
        message.PartnerIds.AddRange(a.PartnerIds);
        if (a.EndTime is { } end)
        {
            message.EndTime = ToTimestamp(end);
        }

        return message;
    }

    public static V1.AuditEntry ToContract(this AuditEntry e) => new()
    {
        Id = e.Id,
        InitiativeId = e.InitiativeId,
        ActorOrganizationId = e.ActorOrganizationId,
        Action = e.Action,
        Details = e.Details,
        Time = ToTimestamp(e.Time),
    };

    public static V1.RegionCount ToContract(this (WorldRegion Region, int Count) row) =>
        new() { Region = (CommonV1.Region)row.Region, Count = row.Count };

    private static CommonV1.LocalizedText ToContract(LocalizedText t) => new() { Language = t.Language, Text = t.Text, Original = t.Original };

    private static Timestamp ToTimestamp(DateTime utc) => Timestamp.FromDateTime(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
}
