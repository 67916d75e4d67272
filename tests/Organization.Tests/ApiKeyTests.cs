using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MediaMesh.Organizations.Domain;
using MediaMesh.Organizations.Persistence;
using MediaMesh.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using V1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Organization.Tests;

/// <summary>CreateApiKey, ListApiKeys and RevokeApiKey.</summary>
public sealed class ApiKeyTests(OrganizationHost host) : IClassFixture<OrganizationHost>
{
    private async Task<List<V1.ApiKey>> ListAllAsync(string organizationId, bool showRevoked, int pageSize = 0)
    {
        var keys = new List<V1.ApiKey>();
        var request = new V1.ListApiKeysRequest { OrganizationId = organizationId, ShowRevoked = showRevoked, PageSize = pageSize };
        do
        {
            var page = await host.ClientAs(organizationId).ListApiKeysAsync(request);
            keys.AddRange(page.ApiKeys);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        return keys;
    }

    [Fact]
    public async Task The_secret_is_returned_once_and_only_its_hash_is_stored()
    {
        var org = await host.CreateActiveAsync(OrganizationHost.Unique("Key Owner"));
        var expires = new Timestamp { Seconds = DateTimeOffset.UtcNow.AddDays(30).ToUnixTimeSeconds(), Nanos = 250_000_000 };
        var created = await host.ClientAs(org.Id).CreateApiKeyAsync(new V1.CreateApiKeyRequest
        {
            OrganizationId = org.Id, DisplayName = "  newsroom ingest ", ExpireTime = expires,
        });

        Assert.StartsWith("mmk_", created.Secret, StringComparison.Ordinal);
        Assert.Equal(created.Secret[..created.ApiKey.Prefix.Length], created.ApiKey.Prefix);
        Assert.Equal("newsroom ingest", created.ApiKey.DisplayName);
        Assert.Equal(org.Id, created.ApiKey.OrganizationId);
        Assert.Equal(expires, created.ApiKey.ExpireTime);
        Assert.Null(created.ApiKey.RevokeTime);
        Assert.Null(created.ApiKey.LastUseTime);

        var listed = Assert.Single(await ListAllAsync(org.Id, showRevoked: false));
        Assert.Equal(created.ApiKey, listed);
        Assert.DoesNotContain(created.Secret, listed.ToString(), StringComparison.Ordinal);

        var stored = await host.WithScopeAsync(sp => sp.GetRequiredService<OrganizationDbContext>().ApiKeys.AsNoTracking().SingleAsync(k => k.Id == created.ApiKey.Id));
        Assert.Equal(ApiKeySecret.HashOf(created.Secret), stored.SecretHash);
        Assert.NotEqual(created.Secret, stored.SecretHash);
    }

    [Fact]
    public async Task A_coordinator_may_create_keys_for_any_organisation()
    {
        var org = await host.CreatePendingAsync(OrganizationHost.Unique("Pending Key Owner"));
        var created = await host.Coordinator.CreateApiKeyAsync(new V1.CreateApiKeyRequest { OrganizationId = org.Id, DisplayName = "onboarding" });
        Assert.Equal(org.Id, created.ApiKey.OrganizationId);
        Assert.Null(created.ApiKey.ExpireTime);
    }

    [Fact]
    public async Task Revoke_sets_the_time_once_and_hides_the_key_from_the_default_list()
    {
        var org = await host.CreateActiveAsync(OrganizationHost.Unique("Revoker"));
        var client = host.ClientAs(org.Id);
        var kept = (await client.CreateApiKeyAsync(new V1.CreateApiKeyRequest { OrganizationId = org.Id, DisplayName = "kept" })).ApiKey;
        var revoked = (await client.CreateApiKeyAsync(new V1.CreateApiKeyRequest { OrganizationId = org.Id, DisplayName = "revoked" })).ApiKey;

        var first = (await client.RevokeApiKeyAsync(new V1.RevokeApiKeyRequest { OrganizationId = org.Id, Id = revoked.Id })).ApiKey;
        Assert.NotNull(first.RevokeTime);
        var second = (await client.RevokeApiKeyAsync(new V1.RevokeApiKeyRequest { OrganizationId = org.Id, Id = revoked.Id })).ApiKey;
        Assert.Equal(first, second);

        Assert.Equal([kept.Id], (await ListAllAsync(org.Id, showRevoked: false)).Select(k => k.Id));
        var all = await ListAllAsync(org.Id, showRevoked: true);
        Assert.Equal(2, all.Count);
        Assert.Equal(first, all.Single(k => k.Id == revoked.Id));
    }

    [Fact]
    public async Task Expired_keys_are_listed_only_with_show_revoked()
    {
        var org = await host.CreateActiveAsync(OrganizationHost.Unique("Expired Owner"));
        var longAgo = DateTime.UtcNow.AddDays(-10);
        await host.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<OrganizationDbContext>();
            db.ApiKeys.Add(ApiKey.Create(Ids.NewApiKeyId(), org.Id, "expired", ApiKeySecret.Generate(), longAgo.AddDays(1), longAgo));
            return await db.SaveChangesAsync();
        });

        Assert.Empty(await ListAllAsync(org.Id, showRevoked: false));
        Assert.Equal("expired", Assert.Single(await ListAllAsync(org.Id, showRevoked: true)).DisplayName);
    }

    [Fact]
    public async Task Listing_pages_newest_first_without_duplicates_or_gaps()
    {
        var org = await host.CreateActiveAsync(OrganizationHost.Unique("Many Keys"));
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await host.ClientAs(org.Id).CreateApiKeyAsync(new V1.CreateApiKeyRequest { OrganizationId = org.Id, DisplayName = $"key {i}" })).ApiKey.Id);
        }

        var listed = await ListAllAsync(org.Id, showRevoked: false, pageSize: 2);
        Assert.Equal(ids.OrderDescending(StringComparer.Ordinal), listed.Select(k => k.Id));
    }

    [Fact]
    public async Task Api_key_refusals()
    {
        var owner = await host.CreateActiveAsync(OrganizationHost.Unique("Key Refusal Owner"));
        var other = await host.CreateActiveAsync(OrganizationHost.Unique("Key Refusal Other"));
        var key = (await host.ClientAs(owner.Id).CreateApiKeyAsync(new V1.CreateApiKeyRequest { OrganizationId = owner.Id, DisplayName = "k" })).ApiKey;
        var asOther = host.ClientAs(other.Id);

        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => asOther.CreateApiKeyAsync(new V1.CreateApiKeyRequest { OrganizationId = owner.Id, DisplayName = "mine now" }));
        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => asOther.ListApiKeysAsync(new V1.ListApiKeysRequest { OrganizationId = owner.Id }));
        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => asOther.RevokeApiKeyAsync(new V1.RevokeApiKeyRequest { OrganizationId = owner.Id, Id = key.Id }));
        // A key id under the wrong organisation is not found, even for a coordinator.
        await GrpcAssert.Refused(StatusCode.NotFound, () => asOther.RevokeApiKeyAsync(new V1.RevokeApiKeyRequest { OrganizationId = other.Id, Id = key.Id }));
        await GrpcAssert.Refused(StatusCode.NotFound, () => host.Coordinator.RevokeApiKeyAsync(new V1.RevokeApiKeyRequest { OrganizationId = owner.Id, Id = "key_nope" }));
        await GrpcAssert.Refused(StatusCode.NotFound, () => host.Coordinator.CreateApiKeyAsync(new V1.CreateApiKeyRequest { OrganizationId = "org_nope", DisplayName = "k" }));
        await GrpcAssert.Refused(StatusCode.NotFound, () => host.Coordinator.ListApiKeysAsync(new V1.ListApiKeysRequest { OrganizationId = "org_nope" }));
        await GrpcAssert.Refused(StatusCode.Unauthenticated, () => host.AnonymousClient.CreateApiKeyAsync(new V1.CreateApiKeyRequest { OrganizationId = owner.Id, DisplayName = "k" }));
        await GrpcAssert.Refused(StatusCode.Unauthenticated, () => host.AnonymousClient.ListApiKeysAsync(new V1.ListApiKeysRequest { OrganizationId = owner.Id }));
        await GrpcAssert.Refused(StatusCode.Unauthenticated, () => host.AnonymousClient.RevokeApiKeyAsync(new V1.RevokeApiKeyRequest { OrganizationId = owner.Id, Id = key.Id }));

        Assert.Equal(key, Assert.Single(await ListAllAsync(owner.Id, showRevoked: true)));
        Assert.Empty(await ListAllAsync(other.Id, showRevoked: true));
    }
}
