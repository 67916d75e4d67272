using System.Security.Cryptography;
using System.Text;
using MediaMesh.Organizations.Domain;

namespace MediaMesh.Organization.Tests.Domain;

public sealed class ApiKeyRulesTests
{
    private static readonly DateTime T0 = new(2025, 3, 1, 8, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_generated_secret_has_the_scheme_a_prefix_and_its_sha256_hex_hash()
    {
        var secret = ApiKeySecret.Generate();

        Assert.StartsWith("mmk_", secret.Value, StringComparison.Ordinal);
        Assert.Equal(secret.Value[..12], secret.Prefix);
        var expected = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret.Value))).ToLowerInvariant();
        Assert.Equal(expected, secret.Hash);
        Assert.Equal(64, secret.Hash.Length);
        Assert.DoesNotContain(secret.Value, secret.Hash, StringComparison.Ordinal);
        Assert.True(ApiKeySecret.LooksValid(secret.Value));
    }

    [Fact]
    public void HashOf_is_the_lower_case_sha256_of_the_utf8_secret()
    {
        // SHA-256("abc") from FIPS 180-2.
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ApiKeySecret.HashOf("abc"));
    }

    [Fact]
    public void Two_generated_secrets_differ()
    {
        var a = ApiKeySecret.Generate();
        var b = ApiKeySecret.Generate();
        Assert.NotEqual(a.Value, b.Value);
        Assert.NotEqual(a.Hash, b.Hash);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("mmk_short")]
    [InlineData("xyz_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Secrets_of_the_wrong_shape_do_not_look_valid(string? secret) => Assert.False(ApiKeySecret.LooksValid(secret));

    [Fact]
    public void A_key_stores_the_hash_and_prefix_never_the_secret()
    {
        var secret = ApiKeySecret.Generate();
        var key = ApiKey.Create("key_1", "org_a", "newsroom ingest", secret, null, T0);

        Assert.Equal(secret.Hash, key.SecretHash);
        Assert.Equal(secret.Prefix, key.Prefix);
        Assert.Equal(T0, key.CreateTime);
        Assert.Null(key.LastUseTime);
        Assert.True(key.IsUsable(T0));
    }

    [Fact]
    public void Revoking_twice_keeps_the_first_time()
    {
        var key = ApiKey.Create("key_1", "org_a", "k", ApiKeySecret.Generate(), null, T0);
        key.Revoke(T0.AddHours(1));
        key.Revoke(T0.AddHours(2));

        Assert.Equal(T0.AddHours(1), key.RevokeTime);
        Assert.False(key.IsUsable(T0.AddHours(1)));
    }

    [Fact]
    public void A_key_stops_being_usable_at_its_expiry()
    {
        var key = ApiKey.Create("key_1", "org_a", "k", ApiKeySecret.Generate(), T0.AddDays(1), T0);

        Assert.True(key.IsUsable(T0.AddDays(1).AddTicks(-1)));
        Assert.False(key.IsUsable(T0.AddDays(1)));
        Assert.False(key.IsUsable(T0.AddDays(2)));
    }

    [Fact]
    public void RecordUse_writes_at_most_once_a_minute()
    {
        var key = ApiKey.Create("key_1", "org_a", "k", ApiKeySecret.Generate(), null, T0);

        Assert.True(key.RecordUse(T0));
        Assert.False(key.RecordUse(T0.AddSeconds(59)));
        Assert.Equal(T0, key.LastUseTime);
        Assert.True(key.RecordUse(T0.AddMinutes(1)));
        Assert.Equal(T0.AddMinutes(1), key.LastUseTime);
    }
}
