using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MediaMesh.Organizations.Domain;
using MediaMesh.Organizations.Persistence;
using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using V1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Organization.Tests;

/// <summary>CredentialService.ResolveApiKey, as the gateway calls it.</summary>
public sealed class CredentialResolutionTests(OrganizationHost host) : IClassFixture<OrganizationHost>
{
    private async Task<(V1.Organization Org, V1.CreateApiKeyResponse Key)> OrgWithKeyAsync(Timestamp? expires = null)
    {
        var org = await host.CreateActiveAsync(OrganizationHost.Unique("Resolver"));
        var key = await host.ClientAs(org.Id).CreateApiKeyAsync(new V1.CreateApiKeyRequest { OrganizationId = org.Id, DisplayName = "gateway test", ExpireTime = expires });
        return (org, key);
    }

    private Task<V1.ResolveApiKeyResponse> ResolveAsync(string secret) =>
        host.Gateway.ResolveApiKeyAsync(new V1.ResolveApiKeyRequest { Secret = secret }).ResponseAsync;

    [Fact]
    public async Task A_fresh_key_resolves_to_its_organisation_and_records_its_use()
    {
        // Sent to the nanosecond; kept (on every provider) to the microsecond.
        var expires = new Timestamp { Seconds = DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeSeconds(), Nanos = 123_456_789 };
        var (org, key) = await OrgWithKeyAsync(expires);

        var resolved = await ResolveAsync(key.Secret);

        Assert.Equal(key.ApiKey.Id, resolved.ApiKeyId);
        Assert.Equal(org.Id, resolved.OrganizationId);
        Assert.Equal(V1.OrganizationRole.Member, resolved.Role);
        Assert.Equal(V1.OrganizationStatus.Active, resolved.Status);
        Assert.Equal(new Timestamp { Seconds = expires.Seconds, Nanos = 123_456_000 }, resolved.ExpireTime);
        var listed = Assert.Single((await host.ClientAs(org.Id).ListApiKeysAsync(new V1.ListApiKeysRequest { OrganizationId = org.Id })).ApiKeys);
        Assert.NotNull(listed.LastUseTime);
        Assert.True(listed.LastUseTime >= listed.CreateTime);

        // Within the throttle window a second resolution succeeds and leaves last_use_time alone.
        await ResolveAsync(key.Secret);
        var again = Assert.Single((await host.ClientAs(org.Id).ListApiKeysAsync(new V1.ListApiKeysRequest { OrganizationId = org.Id })).ApiKeys);
        Assert.Equal(listed.LastUseTime, again.LastUseTime);
    }

    [Fact]
    public async Task The_current_role_and_status_are_reported()
    {
        var (org, key) = await OrgWithKeyAsync();
        await host.Coordinator.SuspendOrganizationAsync(new V1.SuspendOrganizationRequest { Id = org.Id });
        Assert.Equal(V1.OrganizationStatus.Suspended, (await ResolveAsync(key.Secret)).Status);

        await host.Coordinator.ActivateOrganizationAsync(new V1.ActivateOrganizationRequest { Id = org.Id });
        await host.Coordinator.SetOrganizationRoleAsync(new V1.SetOrganizationRoleRequest { Id = org.Id, Role = V1.OrganizationRole.Coordinator });
        var resolved = await ResolveAsync(key.Secret);
        Assert.Equal(V1.OrganizationRole.Coordinator, resolved.Role);
        Assert.Equal(V1.OrganizationStatus.Active, resolved.Status);
        Assert.Null(resolved.ExpireTime);
    }

    [Fact]
    public async Task A_revoked_key_is_not_found()
    {
        var (org, key) = await OrgWithKeyAsync();
        await ResolveAsync(key.Secret);
        await host.ClientAs(org.Id).RevokeApiKeyAsync(new V1.RevokeApiKeyRequest { OrganizationId = org.Id, Id = key.ApiKey.Id });

        await GrpcAssert.Refused(StatusCode.NotFound, () => host.Gateway.ResolveApiKeyAsync(new V1.ResolveApiKeyRequest { Secret = key.Secret }));
    }

    [Fact]
    public async Task An_expired_key_is_not_found()
    {
        var org = await host.CreateActiveAsync(OrganizationHost.Unique("Expired Resolver"));
        var secret = ApiKeySecret.Generate();
        var longAgo = DateTime.UtcNow.AddDays(-10);
        await host.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<OrganizationDbContext>();
            db.ApiKeys.Add(ApiKey.Create(Ids.NewApiKeyId(), org.Id, "expired", secret, longAgo.AddDays(1), longAgo));
            return await db.SaveChangesAsync();
        });

        await GrpcAssert.Refused(StatusCode.NotFound, () => host.Gateway.ResolveApiKeyAsync(new V1.ResolveApiKeyRequest { Secret = secret.Value }));
    }

    [Theory]
    [InlineData("mmk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("mmk_short")]
    [InlineData("Bearer something-else-entirely")]
    public async Task An_unknown_or_malformed_secret_is_not_found(string secret)
    {
        await GrpcAssert.Refused(StatusCode.NotFound, () => host.Gateway.ResolveApiKeyAsync(new V1.ResolveApiKeyRequest { Secret = secret }));
    }

    [Fact]
    public async Task The_stored_hash_is_not_accepted_as_a_secret()
    {
        var (_, key) = await OrgWithKeyAsync();
        await GrpcAssert.Refused(StatusCode.NotFound, () => host.Gateway.ResolveApiKeyAsync(new V1.ResolveApiKeyRequest { Secret = ApiKeySecret.HashOf(key.Secret) }));
    }

    [Theory]
    [InlineData(CallerRoles.Member)]
    [InlineData(CallerRoles.Coordinator)]
    public async Task Only_a_service_may_resolve_keys(string role)
    {
        var (org, key) = await OrgWithKeyAsync();
        var asOrg = new V1.CredentialService.CredentialServiceClient(host.As(org.Id, role));
        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => asOrg.ResolveApiKeyAsync(new V1.ResolveApiKeyRequest { Secret = key.Secret }));

        var listed = Assert.Single((await host.ClientAs(org.Id).ListApiKeysAsync(new V1.ListApiKeysRequest { OrganizationId = org.Id })).ApiKeys);
        Assert.Null(listed.LastUseTime);
    }

    [Fact]
    public async Task Resolving_without_a_token_is_unauthenticated()
    {
        var (_, key) = await OrgWithKeyAsync();
        var anonymous = new V1.CredentialService.CredentialServiceClient(host.Anonymous());
        await GrpcAssert.Refused(StatusCode.Unauthenticated, () => anonymous.ResolveApiKeyAsync(new V1.ResolveApiKeyRequest { Secret = key.Secret }));
    }
}
