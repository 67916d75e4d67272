using Grpc.Core;
using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Exchange.Tests;

/// <summary>
/// No service holds a grant on the exchange (README "Internal tokens"): a service token is
/// PERMISSION_DENIED on every method, and only the gateway's key makes a member.
/// </summary>
[Collection("exchange")]
public sealed class ServiceTokenTests(ExchangeFixture f)
{
    [Theory]
    [InlineData("gateway")]
    [InlineData("organization")]
    [InlineData("initiative")]
    [InlineData("exchange")]
    public async Task A_service_token_is_permission_denied_on_the_exchange(string caller)
    {
        var invoker = f.Exchange.AsService(caller);
        await GrpcAssert.Refused(StatusCode.PermissionDenied, async () => await new V1.CatalogueService.CatalogueServiceClient(invoker)
            .SearchOffersAsync(new V1.SearchOffersRequest()));
        await GrpcAssert.Refused(StatusCode.PermissionDenied, async () => await new V1.OfferService.OfferServiceClient(invoker)
            .CreateOfferAsync(new V1.CreateOfferRequest { Offer = ExchangeFixture.NewOffer() }));
    }

    [Fact]
    public async Task A_member_token_signed_by_the_exchanges_own_key_is_unauthenticated()
    {
        var forged = TestKeys.Signer("exchange").Issue(f.Kenya, CallerRoles.Member);
        await GrpcAssert.Refused(StatusCode.Unauthenticated, async () => await new V1.CatalogueService.CatalogueServiceClient(f.Exchange.WithToken(forged))
            .SearchOffersAsync(new V1.SearchOffersRequest()));

        // The same member, signed by the gateway, is served.
        await new V1.CatalogueService.CatalogueServiceClient(f.Exchange.WithToken(TestKeys.Gateway.Issue(f.Kenya, CallerRoles.Member)))
            .SearchOffersAsync(new V1.SearchOffersRequest());
    }
}

/// <summary>Start-up refuses an exchange that could not sign its own calls (no call has to fail first).</summary>
public sealed class ServiceKeyConfigurationTests
{
    [Theory]
    [InlineData("")]
    [InlineData("bm90IGEga2V5")]
    public void An_exchange_without_a_usable_private_key_fails_at_start_naming_the_setting(string privateKey)
    {
        using var host = new ExchangeHost(organization: null);
        host.WithSetting("MediaMesh:InternalToken:PrivateKey", privateKey);
        var failure = Assert.ThrowsAny<Exception>(() => host.CreateClient());
        while (failure is AggregateException { InnerException: { } inner })
        {
            failure = inner;
        }

        var validation = Assert.IsType<Microsoft.Extensions.Options.OptionsValidationException>(failure);
        Assert.Contains("MediaMesh:InternalToken:PrivateKey", validation.Message, StringComparison.Ordinal);
    }
}
