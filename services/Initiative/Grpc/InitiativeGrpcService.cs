using Grpc.Core;
using MediaMesh.Common.Errors;
using MediaMesh.Common.Paging;
using MediaMesh.Common.Validation;
using MediaMesh.Initiatives.Application;
using MediaMesh.ServiceDefaults.Identity;
using V1 = MediaMesh.Contracts.Initiative.V1;
using static MediaMesh.Initiatives.Grpc.InitiativeRequestParser;

namespace MediaMesh.Initiatives.Grpc;

/// <summary>mediamesh.initiative.v1.InitiativeService: validation and mapping around the application classes.</summary>
public sealed class InitiativeGrpcService(InitiativeWorkflow initiatives, SignatureBook signatures, ActivityPlanner activities)
    : V1.InitiativeService.InitiativeServiceBase
{
    private const int MaxReasonLength = 2000;
    private const int MaxNameLength = 200;

    public override async Task<V1.CreateInitiativeResponse> CreateInitiative(V1.CreateInitiativeRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        if (request.Initiative is null)
        {
            throw ValidationFailedException.For("initiative", "is required");
        }

        var v = new RequestValidator();
        var kind = ParseKind(request.Initiative.Kind);
        v.Check(kind is not null, "initiative.kind", "is required");
        var content = ParseContent(request.Initiative, v);
        v.ThrowIfInvalid();
        var created = await initiatives.CreateAsync(caller, kind!.Value, content, context.CancellationToken);
        return new V1.CreateInitiativeResponse { Initiative = created.ToContract() };
    }

    public override async Task<V1.GetInitiativeResponse> GetInitiative(V1.GetInitiativeRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.Id, "id").ThrowIfInvalid();
        var view = await initiatives.GetAsync(caller, request.Id, context.CancellationToken);
        return new V1.GetInitiativeResponse { Initiative = view.ToContract() };
    }

    public override async Task<V1.ListInitiativesResponse> ListInitiatives(V1.ListInitiativesRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var v = new RequestValidator();
        v.Check(Enum.IsDefined(request.Kind), "kind", "is not a known kind");
        v.Check(Enum.IsDefined(request.State), "state", "is not a known state");
        v.Check(Enum.IsDefined(request.Region), "region", "is not a known region");
        v.MaxLength(request.ProposerId, MaxIdLength, "proposer_id").MaxLength(request.SignatoryId, MaxIdLength, "signatory_id");
        v.MaxLength(request.Text, 200, "text");
        var from = ParseTime(request.Period?.StartTime, "period.start_time", v);
        var until = ParseTime(request.Period?.EndTime, "period.end_time", v);
        v.Check(from is null || until is null || until > from, "period.end_time", "must be after period.start_time");
        v.ThrowIfInvalid();
        var query = new InitiativeQuery(ParseKind(request.Kind), ParseState(request.State), NullIfEmpty(request.ProposerId.Trim()),
            NullIfEmpty(request.SignatoryId.Trim()), ParseRegion(request.Region), from, until, NullIfEmpty(request.Text.Trim()));
        var page = PageRequest.Parse(request.PageSize, request.PageToken, query.Fingerprint);
        var result = await initiatives.ListAsync(caller, query, page, context.CancellationToken);
        var response = new V1.ListInitiativesResponse { NextPageToken = result.NextPageToken };
        response.Initiatives.AddRange(result.Items.Select(i => i.ToContract()));
        return response;
    }

    public override async Task<V1.UpdateInitiativeResponse> UpdateInitiative(V1.UpdateInitiativeRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var v = new RequestValidator();
        v.Check(request.Initiative is not null, "initiative", "is required");
        v.Check(!string.IsNullOrEmpty(request.Initiative?.Id), "initiative.id", "is required");
        v.Check(request.UpdateMask is { Paths.Count: > 0 }, "update_mask", "name at least one field to change");
        v.MaxCount(request.UpdateMask?.Paths.Count ?? 0, RepeatedFieldLimits.MaskPaths, "update_mask.paths");
        foreach (var path in (request.UpdateMask?.Paths ?? []).Take(RepeatedFieldLimits.MaskPaths))
        {
            v.Check(UpdatableInitiativeFields.Contains(path), "update_mask",
                $"'{path}' cannot be updated; updatable: {string.Join(", ", UpdatableInitiativeFields)}");
        }

        v.ThrowIfInvalid();
        var mask = request.UpdateMask!.Paths.ToHashSet(StringComparer.Ordinal);
        var updated = await initiatives.UpdateAsync(caller, request.Initiative!.Id, request.Initiative.Etag, mask, current =>
        {
            var parse = new RequestValidator();
            var content = ParseContent(request.Initiative, parse, current, mask);
            parse.ThrowIfInvalid();
            return content;
        }, context.CancellationToken);
        return new V1.UpdateInitiativeResponse { Initiative = updated.ToContract() };
    }

    public override async Task<V1.OpenInitiativeResponse> OpenInitiative(V1.OpenInitiativeRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.Id, "id").ThrowIfInvalid();
        var view = await initiatives.OpenAsync(caller, request.Id, request.Etag, context.CancellationToken);
        return new V1.OpenInitiativeResponse { Initiative = view.ToContract() };
    }

    public override async Task<V1.ActivateInitiativeResponse> ActivateInitiative(V1.ActivateInitiativeRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.Id, "id").ThrowIfInvalid();
        var view = await initiatives.ActivateAsync(caller, request.Id, request.Etag, context.CancellationToken);
        return new V1.ActivateInitiativeResponse { Initiative = view.ToContract() };
    }

    public override async Task<V1.ConcludeInitiativeResponse> ConcludeInitiative(V1.ConcludeInitiativeRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.Id, "id").ThrowIfInvalid();
        var view = await initiatives.ConcludeAsync(caller, request.Id, request.Etag, context.CancellationToken);
        return new V1.ConcludeInitiativeResponse { Initiative = view.ToContract() };
    }

    public override async Task<V1.WithdrawInitiativeResponse> WithdrawInitiative(V1.WithdrawInitiativeRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.Id, "id").Required(request.Reason, "reason").MaxLength(request.Reason, MaxReasonLength, "reason").ThrowIfInvalid();
        var view = await initiatives.WithdrawAsync(caller, request.Id, request.Etag, request.Reason.Trim(), context.CancellationToken);
        return new V1.WithdrawInitiativeResponse { Initiative = view.ToContract() };
    }

    public override async Task<V1.SignInitiativeResponse> SignInitiative(V1.SignInitiativeRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.InitiativeId, "initiative_id")
            .MaxLength(request.OrganizationId, MaxIdLength, "organization_id")
            .Required(request.SignerName, "signer_name").MaxLength(request.SignerName, MaxNameLength, "signer_name")
            .MaxLength(request.SignerTitle, MaxNameLength, "signer_title").ThrowIfInvalid();
        var signer = new SignerDetails(request.SignerName.Trim(), request.SignerTitle.Trim());
        var signature = await signatures.SignAsync(caller, request.InitiativeId, NullIfEmpty(request.OrganizationId.Trim()), signer, context.CancellationToken);
        return new V1.SignInitiativeResponse { Signature = signature.ToContract() };
    }

    public override async Task<V1.WithdrawSignatureResponse> WithdrawSignature(V1.WithdrawSignatureRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.InitiativeId, "initiative_id").MaxLength(request.OrganizationId, MaxIdLength, "organization_id")
            .MaxLength(request.Reason, MaxReasonLength, "reason").ThrowIfInvalid();
        var signature = await signatures.WithdrawAsync(caller, request.InitiativeId, NullIfEmpty(request.OrganizationId.Trim()),
            request.Reason.Trim(), context.CancellationToken);
        return new V1.WithdrawSignatureResponse { Signature = signature.ToContract() };
    }

    public override async Task<V1.ListSignaturesResponse> ListSignatures(V1.ListSignaturesRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var v = new RequestValidator();
        v.Required(request.InitiativeId, "initiative_id");
        v.Check(Enum.IsDefined(request.Region), "region", "is not a known region");
        string? country = null;
        if (!string.IsNullOrEmpty(request.CountryCode))
        {
            country = ParseCountry(request.CountryCode, "country_code", v);
        }

        v.MaxLength(request.UnionId, MaxIdLength, "union_id");
        v.ThrowIfInvalid();
        var query = new SignatureQuery(ParseRegion(request.Region), country, NullIfEmpty(request.UnionId.Trim()), request.ShowWithdrawn);
        var page = PageRequest.Parse(request.PageSize, request.PageToken, query.Fingerprint(request.InitiativeId));
        var result = await signatures.ListAsync(caller, request.InitiativeId, query, page, context.CancellationToken);
        var response = new V1.ListSignaturesResponse { NextPageToken = result.NextPageToken };
        response.Signatures.AddRange(result.Items.Select(s => s.ToContract()));
        return response;
    }

    public override async Task<V1.CountSignaturesByRegionResponse> CountSignaturesByRegion(V1.CountSignaturesByRegionRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.InitiativeId, "initiative_id").ThrowIfInvalid();
        var counts = await signatures.CountByRegionAsync(caller, request.InitiativeId, context.CancellationToken);
        var response = new V1.CountSignaturesByRegionResponse { Total = counts.Sum(c => c.Count) };
        response.Counts.AddRange(counts.Select(c => c.ToContract()));
        return response;
    }

    public override async Task<V1.CreateActivityResponse> CreateActivity(V1.CreateActivityRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        if (request.Activity is null)
        {
            throw ValidationFailedException.For("activity", "is required");
        }

        var v = new RequestValidator();
        v.Required(request.Activity.InitiativeId, "activity.initiative_id");
        v.Check(request.Activity.Status is V1.ActivityStatus.Unspecified or V1.ActivityStatus.Planned, "activity.status", "a new activity is PLANNED");
        var content = ParseActivity(request.Activity, v);
        v.ThrowIfInvalid();
        var activity = await activities.CreateAsync(caller, request.Activity.InitiativeId, content, context.CancellationToken);
        return new V1.CreateActivityResponse { Activity = activity.ToContract() };
    }

    public override async Task<V1.GetActivityResponse> GetActivity(V1.GetActivityRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.Id, "id").ThrowIfInvalid();
        var activity = await activities.GetAsync(caller, request.Id, context.CancellationToken);
        return new V1.GetActivityResponse { Activity = activity.ToContract() };
    }

    public override async Task<V1.ListActivitiesResponse> ListActivities(V1.ListActivitiesRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.InitiativeId, "initiative_id")
            .Check(Enum.IsDefined(request.Status), "status", "is not a known status").ThrowIfInvalid();
        var fingerprint = $"{request.InitiativeId}|{request.Status}";
        var page = PageRequest.Parse(request.PageSize, request.PageToken, fingerprint);
        var result = await activities.ListAsync(caller, request.InitiativeId, ParseActivityStatus(request.Status), page, fingerprint, context.CancellationToken);
        var response = new V1.ListActivitiesResponse { NextPageToken = result.NextPageToken };
        response.Activities.AddRange(result.Items.Select(a => a.ToContract()));
        return response;
    }

    public override async Task<V1.UpdateActivityResponse> UpdateActivity(V1.UpdateActivityRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var v = new RequestValidator();
        v.Check(request.Activity is not null, "activity", "is required");
        v.Check(!string.IsNullOrEmpty(request.Activity?.Id), "activity.id", "is required");
        v.Check(request.UpdateMask is { Paths.Count: > 0 }, "update_mask", "name at least one field to change");
        v.MaxCount(request.UpdateMask?.Paths.Count ?? 0, RepeatedFieldLimits.MaskPaths, "update_mask.paths");
        foreach (var path in (request.UpdateMask?.Paths ?? []).Take(RepeatedFieldLimits.MaskPaths))
        {
            v.Check(UpdatableActivityFields.Contains(path), "update_mask",
                $"'{path}' cannot be updated; updatable: {string.Join(", ", UpdatableActivityFields)}");
        }

        v.ThrowIfInvalid();
        var mask = request.UpdateMask!.Paths.ToHashSet(StringComparer.Ordinal);
        Domain.ActivityStatus? status = null;
        if (mask.Contains("status"))
        {
            status = ParseActivityStatus(request.Activity!.Status);
            new RequestValidator().Check(status is not null, "activity.status", "is required when named in update_mask").ThrowIfInvalid();
        }

        var contentFields = mask.Where(f => f != "status").ToHashSet(StringComparer.Ordinal);
        Func<Domain.ActivityContent, Domain.ActivityContent>? change = contentFields.Count == 0 ? null : current =>
        {
            var parse = new RequestValidator();
            var content = ParseActivity(request.Activity!, parse, current, contentFields);
            parse.ThrowIfInvalid();
            return content;
        };
        var activity = await activities.UpdateAsync(caller, request.Activity!.Id, request.Activity.Etag, mask, change, status, context.CancellationToken);
        return new V1.UpdateActivityResponse { Activity = activity.ToContract() };
    }

    public override async Task<V1.ListAuditEntriesResponse> ListAuditEntries(V1.ListAuditEntriesRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.InitiativeId, "initiative_id").ThrowIfInvalid();
        var fingerprint = request.InitiativeId;
        var page = PageRequest.Parse(request.PageSize, request.PageToken, fingerprint);
        var result = await initiatives.ListAuditAsync(caller, request.InitiativeId, page, fingerprint, context.CancellationToken);
        var response = new V1.ListAuditEntriesResponse { NextPageToken = result.NextPageToken };
        response.Entries.AddRange(result.Items.Select(e => e.ToContract()));
        return response;
    }

    private static string? NullIfEmpty(string value) => string.IsNullOrEmpty(value) ? null : value;
}
