extern alias gateway;
using System.Security.Cryptography;
using System.Text;
using gateway::MediaMesh.Gateway.Authentication;
using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.TestSupport;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace MediaMesh.Gateway.Tests;

/// <summary>
/// What the gateway keeps between calls so that a call with a known key signs and allocates nothing
/// per call: the member's internal token (reused for a quarter of its lifetime, then signed anew),
/// its "Bearer" header, and the cached answer about the key (never past the key's own expiry).
/// </summary>
public sealed class PerCallCacheTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    [Fact]
    public void A_member_token_is_reused_within_a_quarter_of_its_lifetime_and_signed_anew_after()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var issuer = TestKeys.SignerFor(InternalTokenNames.Gateway, TestKeys.PrivateKey(InternalTokenNames.Gateway), clock, Lifetime);

        var first = issuer.IssueBearer("org_1", CallerRoles.Member, "key_1");
        clock.Advance(Lifetime / 4 - TimeSpan.FromMilliseconds(1));
        var reused = issuer.IssueBearer("org_1", CallerRoles.Member, "key_1");
        Assert.Same(first, reused);
        Assert.Equal(first, "Bearer " + issuer.Issue("org_1", CallerRoles.Member, "key_1"));

        clock.Advance(TimeSpan.FromMilliseconds(1));
        var renewed = issuer.IssueBearer("org_1", CallerRoles.Member, "key_1");
        Assert.NotEqual(first, renewed);
        var token = new JsonWebToken(renewed["Bearer ".Length..]);
        Assert.Equal(clock.GetUtcNow().UtcDateTime, token.IssuedAt, TimeSpan.FromSeconds(1));
        Assert.Equal(clock.GetUtcNow().UtcDateTime + Lifetime, token.ValidTo, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Tokens_of_different_members_roles_keys_and_callees_are_never_shared()
    {
        var issuer = TestKeys.SignerFor(InternalTokenNames.Gateway, TestKeys.PrivateKey(InternalTokenNames.Gateway), TimeProvider.System, Lifetime);
        string[] tokens =
        [
            issuer.Issue("org_1", CallerRoles.Member, "key_1"),
            issuer.Issue("org_1", CallerRoles.Member, "key_2"),
            issuer.Issue("org_1", CallerRoles.Member),
            issuer.Issue("org_1", CallerRoles.Coordinator, "key_1"),
            issuer.Issue("org_2", CallerRoles.Member, "key_1"),
            issuer.IssueServiceToken("organization"),
            issuer.IssueServiceToken("exchange"),
        ];
        Assert.Equal(tokens.Length, tokens.Distinct(StringComparer.Ordinal).Count());

        var member = new JsonWebToken(tokens[0]);
        Assert.Equal("org_1", member.GetClaim(MediaMeshClaims.OrganizationId).Value);
        Assert.Equal("key_1", member.GetClaim(MediaMeshClaims.ApiKeyId).Value);
        Assert.Equal("key_2", new JsonWebToken(tokens[1]).GetClaim(MediaMeshClaims.ApiKeyId).Value);
        Assert.False(new JsonWebToken(tokens[2]).TryGetClaim(MediaMeshClaims.ApiKeyId, out _));
        Assert.Equal(CallerRoles.Coordinator, new JsonWebToken(tokens[3]).GetClaim(MediaMeshClaims.Role).Value);
        Assert.Equal("org_2", new JsonWebToken(tokens[4]).GetClaim(MediaMeshClaims.OrganizationId).Value);
        Assert.Equal("exchange", new JsonWebToken(tokens[6]).Audiences.Single());
        var service = new JsonWebToken(tokens[5]);
        Assert.Equal("organization", service.Audiences.Single());
        Assert.Equal(InternalTokenNames.ServiceSubject(InternalTokenNames.Gateway), service.GetClaim(MediaMeshClaims.OrganizationId).Value);
    }

    [Fact]
    public void A_call_with_a_cached_token_allocates_nothing_in_the_issuer()
    {
        var issuer = TestKeys.SignerFor(InternalTokenNames.Gateway, TestKeys.PrivateKey(InternalTokenNames.Gateway), TimeProvider.System, Lifetime);
        for (var i = 0; i < 200; i++)
        {
            issuer.IssueBearer("org_1", CallerRoles.Member, "key_1");
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            issuer.IssueBearer("org_1", CallerRoles.Member, "key_1");
        }

        // Less than a byte per call (the runtime may allocate once while it re-compiles the method);
        // a cache key or closure made per call would be a hundred bytes or more each time.
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1000, $"{allocated} bytes for 1000 calls");
    }

    [Fact]
    public void The_key_cache_is_keyed_by_the_sha256_of_the_key_and_reads_an_expired_key_as_unknown()
    {
        const string secret = "mmk_0123456789abcdef";
        Assert.Equal("mm-api-key:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret))), ApiKeyCache.KeyOf(secret));
        var longSecret = new string('k', 2000);
        Assert.Equal("mm-api-key:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(longSecret))), ApiKeyCache.KeyOf(longSecret));

        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var memory = new MemoryCache(new MemoryCacheOptions());
        var cache = new ApiKeyCache(memory, clock);
        var member = new ResolvedMember("key_1", "org_1", CallerRoles.Member, IsActive: true, ExpiresAt: clock.GetUtcNow() + TimeSpan.FromSeconds(10));
        cache.Set(ApiKeyCache.KeyOf(secret), new KeyResolution(KeyResolutionOutcome.Accepted, member), TimeSpan.FromMinutes(1));

        Assert.True(cache.TryGet(ApiKeyCache.KeyOf(secret), out var accepted));
        Assert.Equal(KeyResolutionOutcome.Accepted, accepted.Outcome);
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.True(cache.TryGet(ApiKeyCache.KeyOf(secret), out var expired));
        Assert.Equal(KeyResolutionOutcome.Unknown, expired.Outcome);
        Assert.False(cache.TryGet(ApiKeyCache.KeyOf("mmk_other"), out _));
    }

    [Fact]
    public void A_cached_member_has_one_principal_for_all_its_calls()
    {
        var member = new ResolvedMember("key_1", "org_1", CallerRoles.Coordinator, IsActive: true, ExpiresAt: null);
        Assert.Same(member.Principal, member.Principal);
        Assert.Equal("org_1", member.Principal.FindFirst(MediaMeshClaims.OrganizationId)?.Value);
        Assert.Equal("key_1", member.Principal.FindFirst(MediaMeshClaims.ApiKeyId)?.Value);
        Assert.True(member.Principal.IsInRole(CallerRoles.Coordinator));
        Assert.Equal(ApiKeyAuthenticationMiddleware.AuthenticationType, member.Principal.Identity?.AuthenticationType);
    }
}
