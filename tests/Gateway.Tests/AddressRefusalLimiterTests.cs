extern alias gateway;
using gateway::MediaMesh.Gateway;
using gateway::MediaMesh.Gateway.Authentication;
using Microsoft.Extensions.Options;

namespace MediaMesh.Gateway.Tests;

/// <summary>The per-address refusal bucket on its own.</summary>
public sealed class AddressRefusalLimiterTests
{
    [Fact]
    public async Task An_address_is_exhausted_after_its_burst_of_refusals_and_others_are_not()
    {
        var options = new GatewayOptions { RefusalLimit = new RateLimitOptions { BurstLimit = 3, TokensPerPeriod = 1, ReplenishmentPeriod = TimeSpan.FromMinutes(10) } };
        using var limiter = new AddressRefusalLimiter(new StaticMonitor(options), TimeProvider.System);

        for (var i = 0; i < 3; i++)
        {
            Assert.False(limiter.IsExhausted("192.0.2.1", out _), $"exhausted after {i} refusals");
            limiter.Refused("192.0.2.1");
        }

        Assert.True(limiter.IsExhausted("192.0.2.1", out var retryAfter));
        Assert.True(retryAfter > TimeSpan.FromMinutes(1), retryAfter.ToString());
        Assert.False(limiter.IsExhausted("192.0.2.2", out _));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.True(limiter.IsExhausted("192.0.2.1", out _), "replenished long before the period");
    }

    [Fact]
    public async Task A_bucket_refills_by_its_tokens_per_period()
    {
        var options = new GatewayOptions { RefusalLimit = new RateLimitOptions { BurstLimit = 2, TokensPerPeriod = 1, ReplenishmentPeriod = TimeSpan.FromMilliseconds(200) } };
        using var limiter = new AddressRefusalLimiter(new StaticMonitor(options), TimeProvider.System);
        limiter.Refused("192.0.2.9");
        limiter.Refused("192.0.2.9");
        Assert.True(limiter.IsExhausted("192.0.2.9", out var retryAfter));
        Assert.InRange(retryAfter, TimeSpan.Zero, TimeSpan.FromMilliseconds(200));

        await Task.Delay(TimeSpan.FromMilliseconds(300));

        Assert.False(limiter.IsExhausted("192.0.2.9", out _));
        limiter.Refused("192.0.2.9");
        Assert.True(limiter.IsExhausted("192.0.2.9", out _));
    }

    private sealed class StaticMonitor(GatewayOptions value) : IOptionsMonitor<GatewayOptions>
    {
        public GatewayOptions CurrentValue => value;

        public GatewayOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<GatewayOptions, string?> listener) => null;
    }
}
