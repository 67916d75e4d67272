using Google.Protobuf.WellKnownTypes;
using MediaMesh.Common.Audit;
using MediaMesh.Common.Paging;
using MediaMesh.Common.Validation;
using CommonV1 = MediaMesh.Contracts.Common.V1;

namespace MediaMesh.ServiceDefaults.Grpc;

/// <summary>The audit trail's messages (mediamesh.common.v1) read and written the same way by every service.</summary>
public static class AuditContracts
{
    private const int MaxFilterLength = 128;

    /// <summary>Validates a ListAuditEntries filter and page; INVALID_ARGUMENT with a violation per bad field.</summary>
    public static (AuditQuery Query, PageRequest Page) ParseListRequest(CommonV1.AuditFilter? filter, int pageSize, string pageToken)
    {
        filter ??= new CommonV1.AuditFilter();
        var v = new RequestValidator();
        v.MaxLength(filter.SubjectId, MaxFilterLength, "filter.subject_id");
        v.MaxLength(filter.ActorOrganizationId, MaxFilterLength, "filter.actor_organization_id");
        v.MaxLength(filter.Action, MaxFilterLength, "filter.action");
        DateTime? from = null, until = null;
        if (filter.TimeInterval is { } interval)
        {
            from = v.Timestamp(interval.StartTime, "filter.time_interval.start_time");
            until = v.Timestamp(interval.EndTime, "filter.time_interval.end_time");
            v.Check(from is null || until is null || from < until, "filter.time_interval", "start_time must be before end_time");
        }

        v.ThrowIfInvalid();
        var query = new AuditQuery(NullIfBlank(filter.SubjectId), NullIfBlank(filter.ActorOrganizationId), NullIfBlank(filter.Action), from, until);
        return (query, PageRequest.Parse(pageSize, pageToken, query.Fingerprint));
    }

    public static CommonV1.AuditEntry ToContract(this AuditEntry e)
    {
        var message = new CommonV1.AuditEntry
        {
            Id = e.Id,
            Time = Timestamp.FromDateTime(DateTime.SpecifyKind(e.Time, DateTimeKind.Utc)),
            ActorOrganizationId = e.ActorOrganizationId,
            ActorApiKeyId = e.ActorApiKeyId,
            Action = e.Action,
            Details = e.Details,
        };
        // Subjects in a stable order (type, then id), whatever order the database returns them in.
        message.Subjects.AddRange(e.Subjects.OrderBy(s => s.Type).ThenBy(s => s.SubjectId, StringComparer.Ordinal).Select(s => new CommonV1.AuditSubject { Type = (CommonV1.AuditSubjectType)s.Type, Id = s.SubjectId }));
        return message;
    }

    private static string? NullIfBlank(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
