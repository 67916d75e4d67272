using Grpc.Core;
using MediaMesh.Common.Validation;
using MediaMesh.Organizations.Application;
using MediaMesh.ServiceDefaults.Identity;
using V1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Organizations.Grpc;

/// <summary>mediamesh.organization.v1.CredentialService: API key resolution for the gateway, callers' standing for long calls.</summary>
public sealed class CredentialGrpcService(OrganizationDirectory directory) : V1.CredentialService.CredentialServiceBase
{
    public override async Task<V1.ResolveApiKeyResponse> ResolveApiKey(V1.ResolveApiKeyRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.Secret, "secret").ThrowIfInvalid();
        var resolved = await directory.ResolveApiKeyAsync(caller, request.Secret, context.CancellationToken);
        var response = new V1.ResolveApiKeyResponse
        {
            ApiKeyId = resolved.ApiKeyId,
            OrganizationId = resolved.OrganizationId,
            Role = (V1.OrganizationRole)resolved.Role,
            Status = (V1.OrganizationStatus)resolved.Status,
        };
        if (resolved.ExpireTime is { } expires)
        {
            response.ExpireTime = OrganizationMapper.ToTimestamp(expires);
        }

        return response;
    }

    public override async Task<V1.GetCallerStandingResponse> GetCallerStanding(V1.GetCallerStandingRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.OrganizationId, "organization_id").MaxLength(request.ApiKeyId, 100, "api_key_id").ThrowIfInvalid();
        var standing = await directory.GetCallerStandingAsync(caller, request.OrganizationId, request.ApiKeyId, context.CancellationToken);
        var organization = standing.Organization.Organization;
        var response = new V1.GetCallerStandingResponse
        {
            OrganizationId = organization.Id,
            Status = (V1.OrganizationStatus)organization.Status,
            Role = (V1.OrganizationRole)organization.Role,
            ApiKeyActive = standing.ApiKeyActive,
            CountryCode = organization.CountryCode,
            Region = (MediaMesh.Contracts.Common.V1.Region)organization.Region,
        };
        response.UnionIds.AddRange(standing.Organization.UnionIds);
        return response;
    }
}
