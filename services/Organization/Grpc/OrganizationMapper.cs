using Google.Protobuf.WellKnownTypes;
using MediaMesh.Common;
using MediaMesh.Organizations.Application;
using MediaMesh.Organizations.Domain;
using V1 = MediaMesh.Contracts.Organization.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;

namespace MediaMesh.Organizations.Grpc;

/// <summary>Explicit mapping between domain objects and the v1 contract.</summary>
internal static class OrganizationMapper
{
    public static V1.Organization ToContract(this OrganizationView view)
    {
        var o = view.Organization;
        var message = new V1.Organization
        {
            Id = o.Id,
            Kind = (V1.OrganizationKind)o.Kind,
            ShortName = o.ShortName,
            CountryCode = o.CountryCode,
            Region = (CommonV1.Region)o.Region,
            Website = o.Website,
            ContactEmail = o.ContactEmail,
            Status = (V1.OrganizationStatus)o.Status,
            Role = (V1.OrganizationRole)o.Role,
            CreateTime = Timestamp.FromDateTime(DateTime.SpecifyKind(o.CreateTime, DateTimeKind.Utc)),
            UpdateTime = Timestamp.FromDateTime(DateTime.SpecifyKind(o.UpdateTime, DateTimeKind.Utc)),
            Etag = Etag.From(o.Version),
        };
        message.Names.AddRange(o.Names.Select(n => new CommonV1.LocalizedText { Language = n.Language, Text = n.Text, Original = n.Original }));
        message.WorkingLanguages.AddRange(o.WorkingLanguages);
        message.UnionIds.AddRange(view.UnionIds);
        return message;
    }

    public static V1.UnionMembership ToContract(this UnionMembership m)
    {
        var message = new V1.UnionMembership
        {
            Id = m.Id,
            UnionId = m.UnionId,
            MemberId = m.MemberId,
            State = (V1.UnionMembershipState)m.State,
            Message = m.Message,
            DecisionReason = m.DecisionReason,
            RequestTime = ToTimestamp(m.RequestTime),
            Etag = Etag.From(m.Version),
        };
        if (m.DecisionTime is { } decided)
        {
            message.DecisionTime = ToTimestamp(decided);
        }

        return message;
    }

    public static V1.ApiKey ToContract(this ApiKey k)
    {
        var message = new V1.ApiKey
        {
            Id = k.Id,
            OrganizationId = k.OrganizationId,
            DisplayName = k.DisplayName,
            Prefix = k.Prefix,
            CreateTime = ToTimestamp(k.CreateTime),
        };
        if (k.LastUseTime is { } used)
        {
            message.LastUseTime = ToTimestamp(used);
        }

        if (k.RevokeTime is { } revoked)
        {
            message.RevokeTime = ToTimestamp(revoked);
        }

        if (k.ExpireTime is { } expires)
        {
            message.ExpireTime = ToTimestamp(expires);
        }

        return message;
    }

    public static Timestamp ToTimestamp(DateTime utc) => Timestamp.FromDateTime(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
}
