using Grpc.Core;
using MediaMesh.Common.Errors;
using MediaMesh.Common.Paging;
using MediaMesh.Common.Validation;
using MediaMesh.Organizations.Application;
using MediaMesh.Organizations.Domain;
using MediaMesh.ServiceDefaults.Grpc;
using MediaMesh.ServiceDefaults.Identity;
using V1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Organizations.Grpc;

/// <summary>mediamesh.organization.v1.OrganizationService: validation and mapping around <see cref="OrganizationDirectory"/>.</summary>
public sealed class OrganizationGrpcService(OrganizationDirectory directory) : V1.OrganizationService.OrganizationServiceBase
{
    private const int MaxIdLength = 100;

    private const int MaxBatch = RepeatedFieldLimits.BatchIds;

    public override async Task<V1.CreateOrganizationResponse> CreateOrganization(V1.CreateOrganizationRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var v = new RequestValidator();
        if (request.Organization is null)
        {
            throw ValidationFailedException.For("organization", "is required");
        }

        var kind = OrganizationRequestParser.ParseKind(request.Organization.Kind);
        v.Check(kind is not null, "organization.kind", "is required");
        var description = OrganizationRequestParser.ParseDescription(request.Organization, "organization", v);
        v.ThrowIfInvalid();
        var created = await directory.RegisterAsync(caller, kind!.Value, description, context.CancellationToken);
        return new V1.CreateOrganizationResponse { Organization = created.ToContract() };
    }

    public override async Task<V1.GetOrganizationResponse> GetOrganization(V1.GetOrganizationRequest request, ServerCallContext context)
    {
        context.GetCaller();
        new RequestValidator().Required(request.Id, "id").ThrowIfInvalid();
        var view = await directory.GetAsync(request.Id, context.CancellationToken);
        return new V1.GetOrganizationResponse { Organization = view.ToContract() };
    }

    public override async Task<V1.BatchGetOrganizationsResponse> BatchGetOrganizations(V1.BatchGetOrganizationsRequest request, ServerCallContext context)
    {
        context.GetCaller();
        var v = new RequestValidator();
        v.Check(request.Ids.Count > 0, "ids", "at least one id is required");
        v.Check(request.Ids.Count <= MaxBatch, "ids", $"at most {MaxBatch} ids per call");
        v.Check(request.Ids.All(id => !string.IsNullOrWhiteSpace(id)), "ids", "ids must not be empty");
        // Missing ids are echoed back: an id far longer than any organisation id would only make a huge answer.
        v.Check(request.Ids.All(id => id.Length <= MaxIdLength), "ids", $"an organisation id has at most {MaxIdLength} characters");
        v.ThrowIfInvalid();
        var (found, missing) = await directory.BatchGetAsync(request.Ids, context.CancellationToken);
        var response = new V1.BatchGetOrganizationsResponse();
        response.Organizations.AddRange(found.Select(f => f.ToContract()));
        response.MissingIds.AddRange(missing);
        return response;
    }

    public override async Task<V1.ListOrganizationsResponse> ListOrganizations(V1.ListOrganizationsRequest request, ServerCallContext context)
    {
        context.GetCaller();
        var v = new RequestValidator();
        string? country = null;
        if (!string.IsNullOrEmpty(request.CountryCode))
        {
            country = OrganizationRequestParser.ParseCountry(request.CountryCode, "country_code", v);
        }

        v.Check(Enum.IsDefined(request.Region), "region", "is not a known region");
        v.Check(Enum.IsDefined(request.Kind), "kind", "is not a known kind");
        v.Check(Enum.IsDefined(request.Status), "status", "is not a known status");
        v.MaxLength(request.Text, 200, "text");
        v.ThrowIfInvalid();
        var query = new DirectoryQuery(
            OrganizationRequestParser.ParseRegion(request.Region), country, NullIfEmpty(request.UnionId),
            OrganizationRequestParser.ParseKind(request.Kind), OrganizationRequestParser.ParseStatus(request.Status), NullIfEmpty(request.Text.Trim()));
        var page = PageRequest.Parse(request.PageSize, request.PageToken, query.Fingerprint);
        var result = await directory.ListAsync(query, page, context.CancellationToken);
        var response = new V1.ListOrganizationsResponse { NextPageToken = result.NextPageToken };
        response.Organizations.AddRange(result.Items.Select(i => i.ToContract()));
        return response;
    }

    public override async Task<V1.UpdateOrganizationResponse> UpdateOrganization(V1.UpdateOrganizationRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var v = new RequestValidator();
        v.Check(request.Organization is not null, "organization", "is required");
        v.Check(!string.IsNullOrEmpty(request.Organization?.Id), "organization.id", "is required");
        v.Check(request.UpdateMask is { Paths.Count: > 0 }, "update_mask", "name at least one field to change");
        v.MaxCount(request.UpdateMask?.Paths.Count ?? 0, RepeatedFieldLimits.MaskPaths, "update_mask.paths");
        foreach (var path in (request.UpdateMask?.Paths ?? []).Take(RepeatedFieldLimits.MaskPaths))
        {
            v.Check(OrganizationRequestParser.UpdatableFields.Contains(path), "update_mask",
                $"'{path}' cannot be updated; updatable: {string.Join(", ", OrganizationRequestParser.UpdatableFields)}");
        }

        v.ThrowIfInvalid();
        var mask = request.UpdateMask!.Paths.ToHashSet(StringComparer.Ordinal);
        var updated = await directory.UpdateAsync(caller, request.Organization!.Id, request.Organization.Etag, current =>
        {
            var parse = new RequestValidator();
            var description = OrganizationRequestParser.ParseDescription(request.Organization, "organization", parse, current, mask);
            parse.ThrowIfInvalid();
            return description;
        }, context.CancellationToken);
        return new V1.UpdateOrganizationResponse { Organization = updated.ToContract() };
    }

    public override async Task<V1.ActivateOrganizationResponse> ActivateOrganization(V1.ActivateOrganizationRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.Id, "id").ThrowIfInvalid();
        var view = await directory.ActivateAsync(caller, request.Id, request.Etag, context.CancellationToken);
        return new V1.ActivateOrganizationResponse { Organization = view.ToContract() };
    }

    public override async Task<V1.SuspendOrganizationResponse> SuspendOrganization(V1.SuspendOrganizationRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.Id, "id").MaxLength(request.Reason, 2000, "reason").ThrowIfInvalid();
        var view = await directory.SuspendAsync(caller, request.Id, request.Etag, request.Reason.Trim(), context.CancellationToken);
        return new V1.SuspendOrganizationResponse { Organization = view.ToContract() };
    }

    public override async Task<V1.SetOrganizationRoleResponse> SetOrganizationRole(V1.SetOrganizationRoleRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var role = OrganizationRequestParser.ParseRole(request.Role);
        new RequestValidator().Required(request.Id, "id").Check(role is not null, "role", "is required").ThrowIfInvalid();
        var view = await directory.SetRoleAsync(caller, request.Id, role!.Value, request.Etag, context.CancellationToken);
        return new V1.SetOrganizationRoleResponse { Organization = view.ToContract() };
    }

    public override async Task<V1.RequestUnionMembershipResponse> RequestUnionMembership(V1.RequestUnionMembershipRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.UnionId, "union_id").Required(request.MemberId, "member_id")
            .MaxLength(request.Message, 2000, "message").ThrowIfInvalid();
        var membership = await directory.RequestMembershipAsync(caller, request.UnionId, request.MemberId, request.Message.Trim(), context.CancellationToken);
        return new V1.RequestUnionMembershipResponse { Membership = membership.ToContract() };
    }

    public override async Task<V1.ApproveUnionMembershipResponse> ApproveUnionMembership(V1.ApproveUnionMembershipRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.Id, "id").ThrowIfInvalid();
        var membership = await directory.DecideMembershipAsync(caller, request.Id, request.Etag, OrganizationAuditActions.MembershipApproved, (m, now) => m.Approve(now), context.CancellationToken);
        return new V1.ApproveUnionMembershipResponse { Membership = membership.ToContract() };
    }

    public override async Task<V1.DeclineUnionMembershipResponse> DeclineUnionMembership(V1.DeclineUnionMembershipRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.Id, "id").Required(request.Reason, "reason").MaxLength(request.Reason, 2000, "reason").ThrowIfInvalid();
        var membership = await directory.DecideMembershipAsync(caller, request.Id, request.Etag, OrganizationAuditActions.MembershipDeclined, (m, now) => m.Decline(request.Reason.Trim(), now), context.CancellationToken);
        return new V1.DeclineUnionMembershipResponse { Membership = membership.ToContract() };
    }

    public override async Task<V1.EndUnionMembershipResponse> EndUnionMembership(V1.EndUnionMembershipRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.Id, "id").MaxLength(request.Reason, 2000, "reason").ThrowIfInvalid();
        var membership = await directory.EndMembershipAsync(caller, request.Id, request.Reason.Trim(), request.Etag, context.CancellationToken);
        return new V1.EndUnionMembershipResponse { Membership = membership.ToContract() };
    }

    public override async Task<V1.ListUnionMembershipsResponse> ListUnionMemberships(V1.ListUnionMembershipsRequest request, ServerCallContext context)
    {
        context.GetCaller();
        var v = new RequestValidator();
        v.Check(string.IsNullOrEmpty(request.UnionId) != string.IsNullOrEmpty(request.MemberId), "union_id", "set exactly one of union_id and member_id");
        v.Check(Enum.IsDefined(request.State), "state", "is not a known state");
        v.ThrowIfInvalid();
        var fingerprint = $"{request.UnionId}|{request.MemberId}|{request.State}";
        var page = PageRequest.Parse(request.PageSize, request.PageToken, fingerprint);
        var result = await directory.ListMembershipsAsync(NullIfEmpty(request.UnionId), NullIfEmpty(request.MemberId),
            OrganizationRequestParser.ParseMembershipState(request.State), page, fingerprint, context.CancellationToken);
        var response = new V1.ListUnionMembershipsResponse { NextPageToken = result.NextPageToken };
        response.Memberships.AddRange(result.Items.Select(m => m.ToContract()));
        return response;
    }

    public override async Task<V1.CreateApiKeyResponse> CreateApiKey(V1.CreateApiKeyRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var v = new RequestValidator().Required(request.OrganizationId, "organization_id").Required(request.DisplayName, "display_name")
            .MaxLength(request.DisplayName, 100, "display_name");
        var expireTime = v.Timestamp(request.ExpireTime, "expire_time");
        v.ThrowIfInvalid();
        var (key, secret) = await directory.CreateApiKeyAsync(caller, request.OrganizationId, request.DisplayName.Trim(),
            expireTime, context.CancellationToken);
        return new V1.CreateApiKeyResponse { ApiKey = key.ToContract(), Secret = secret };
    }

    public override async Task<V1.ListApiKeysResponse> ListApiKeys(V1.ListApiKeysRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.OrganizationId, "organization_id").ThrowIfInvalid();
        var fingerprint = $"{request.OrganizationId}|{request.ShowRevoked}";
        var page = PageRequest.Parse(request.PageSize, request.PageToken, fingerprint);
        var result = await directory.ListApiKeysAsync(caller, request.OrganizationId, request.ShowRevoked, page, fingerprint, context.CancellationToken);
        var response = new V1.ListApiKeysResponse { NextPageToken = result.NextPageToken };
        response.ApiKeys.AddRange(result.Items.Select(k => k.ToContract()));
        return response;
    }

    public override async Task<V1.RevokeApiKeyResponse> RevokeApiKey(V1.RevokeApiKeyRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.OrganizationId, "organization_id").Required(request.Id, "id").ThrowIfInvalid();
        var key = await directory.RevokeApiKeyAsync(caller, request.OrganizationId, request.Id, context.CancellationToken);
        return new V1.RevokeApiKeyResponse { ApiKey = key.ToContract() };
    }

    public override async Task<V1.ListAuditEntriesResponse> ListAuditEntries(V1.ListAuditEntriesRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var (query, page) = AuditContracts.ParseListRequest(request.Filter, request.PageSize, request.PageToken);
        var result = await directory.ListAuditEntriesAsync(caller, query, page, context.CancellationToken);
        var response = new V1.ListAuditEntriesResponse { NextPageToken = result.NextPageToken };
        response.Entries.AddRange(result.Items.Select(e => e.ToContract()));
        return response;
    }

    private static string? NullIfEmpty(string value) => string.IsNullOrEmpty(value) ? null : value;
}
