using System.Security.Cryptography;
using Google.Rpc;
using Grpc.Core;
using MediaMesh.TestSupport;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Gateway.Tests;

/// <summary>
/// Guessed keys must not turn into organization-service load: refusals are limited per client
/// address before any look-up, an unknown key is remembered briefly, and concurrent look-ups of one
/// key are one call. Each test has its own organization service, so the look-ups it counts are its own.
/// </summary>
public sealed class KeyLookupFloodTests : IAsyncLifetime
{
    private readonly OrganizationServiceHost _organization = new();
    private string _coordinatorKey = string.Empty;
    private string _coordinatorId = string.Empty;

    public async ValueTask InitializeAsync()
    {
        _organization.StartServer();
        (_coordinatorId, _coordinatorKey) = await _organization.BootstrapCoordinatorAsync();
    }

    public async ValueTask DisposeAsync() => await _organization.DisposeAsync();

    [Fact]
    public async Task An_address_past_its_refusal_limit_is_refused_before_any_key_look_up_and_known_keys_still_work()
    {
        await using var gateway = Gateway()
            .WithSetting("MediaMesh:Gateway:RefusalLimit:BurstLimit", "3")
            .WithSetting("MediaMesh:Gateway:RefusalLimit:TokensPerPeriod", "1")
            .WithSetting("MediaMesh:Gateway:RefusalLimit:ReplenishmentPeriod", "00:10:00");
        await Get(gateway, _coordinatorKey);
        var before = _organization.CredentialCalls;

        var codes = new List<StatusCode>();
        RpcException? limited = null;
        for (var i = 0; i < 20; i++)
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => Get(gateway, BogusKey()).ResponseAsync);
            codes.Add(refused.StatusCode);
            limited = refused.StatusCode == StatusCode.ResourceExhausted ? refused : limited;
        }

        Assert.Equal(Enumerable.Repeat(StatusCode.Unauthenticated, 3).Concat(Enumerable.Repeat(StatusCode.ResourceExhausted, 17)), codes);
        Assert.Equal(3, _organization.CredentialCalls - before);
        Assert.NotNull(limited);
        Assert.True(limited.GetRpcStatus()?.GetDetail<RetryInfo>()?.RetryDelay.ToTimeSpan() > TimeSpan.FromMinutes(1));
        Assert.NotNull(limited.Trailers.GetValue("retry-after"));
        // Calls without a key count too, and are limited the same way.
        await GrpcAssert.Refused(StatusCode.ResourceExhausted, () => Get(gateway, null));
        // A member whose key the gateway already knows is not locked out by its address.
        Assert.Equal(_coordinatorId, (await Get(gateway, _coordinatorKey)).Organization.Id);
    }

    [Fact]
    public async Task An_unknown_key_is_looked_up_once_per_negative_cache_time()
    {
        await using var gateway = Gateway().WithSetting("MediaMesh:Gateway:NegativeKeyCacheTime", "00:00:01");
        var bogus = BogusKey();
        var before = _organization.CredentialCalls;

        for (var i = 0; i < 10; i++)
        {
            await GrpcAssert.Refused(StatusCode.Unauthenticated, () => Get(gateway, bogus));
        }

        Assert.Equal(1, _organization.CredentialCalls - before);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await GrpcAssert.Refused(StatusCode.Unauthenticated, () => Get(gateway, bogus));
        Assert.Equal(2, _organization.CredentialCalls - before);
    }

    [Fact]
    public async Task Concurrent_calls_with_one_uncached_key_make_one_look_up()
    {
        await using var gateway = Gateway();
        gateway.EnsureStarted();
        var bogus = BogusKey();
        var before = _organization.CredentialCalls;

        var known = Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Get(gateway, _coordinatorKey).ResponseAsync));
        var unknown = Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Assert.ThrowsAsync<RpcException>(() => Get(gateway, bogus).ResponseAsync)));
        var answers = await known;
        var refusals = await unknown;

        Assert.All(answers, a => Assert.Equal(_coordinatorId, a.Organization.Id));
        Assert.All(refusals, r => Assert.Equal(StatusCode.Unauthenticated, r.StatusCode));
        Assert.Equal(2, _organization.CredentialCalls - before);
    }

    private GatewayHost Gateway() =>
        new GatewayHost(new Dictionary<string, string> { ["organization"] = _organization.Address })
            .WithSetting("MediaMesh:Gateway:KeyCacheTime", "00:05:00")
            .WithSetting("MediaMesh:Gateway:RefusalLimit:BurstLimit", "1000")
            // The floods are of key look-ups: the in-flight limits (tested in InFlightLimitTests) must not shed them.
            .WithSetting("MediaMesh:Gateway:InFlight:PerOrganization", "1000")
            .WithSetting("MediaMesh:Gateway:InFlight:Total", "1000");

    private AsyncUnaryCall<OrgV1.GetOrganizationResponse> Get(GatewayHost gateway, string? key) =>
        new OrgV1.OrganizationService.OrganizationServiceClient(gateway.Grpc(key))
            .GetOrganizationAsync(new OrgV1.GetOrganizationRequest { Id = _coordinatorId });

    private static string BogusKey() => "mmk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
}
