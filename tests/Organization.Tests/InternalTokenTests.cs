using Grpc.Core;
using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using V1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Organization.Tests;

/// <summary>
/// Internal tokens (README "Internal tokens"): only the gateway's key makes members and
/// coordinators; a service calls as itself, and only the methods granted to it; tokens live a call.
/// </summary>
public sealed class InternalTokenTests(OrganizationHost host) : IClassFixture<OrganizationHost>
{
    private static readonly V1.ListOrganizationsRequest List = new();

    [Theory]
    [InlineData("organization")]
    [InlineData("initiative")]
    [InlineData("exchange")]
    public async Task A_coordinator_token_signed_by_a_services_key_is_unauthenticated(string service)
    {
        // The service's own, trusted key: good for its own calls, never for a member's identity.
        var coordinator = TestKeys.Signer(service).Issue(OrganizationHost.CoordinatorId, CallerRoles.Coordinator);
        await GrpcAssert.Refused(StatusCode.Unauthenticated, async () => await Client(coordinator).ListOrganizationsAsync(List));

        // Naming the gateway as issuer does not help: the gateway's key is chosen by the issuer and does not verify it.
        var posing = Sign(service, new() { ["iss"] = InternalTokenNames.Gateway, ["aud"] = InternalTokenNames.MemberAudience,
            ["sub"] = OrganizationHost.CoordinatorId, [MediaMeshClaims.Role] = CallerRoles.Coordinator });
        await GrpcAssert.Refused(StatusCode.Unauthenticated, async () => await Client(posing).ListOrganizationsAsync(List));
    }

    [Fact]
    public async Task The_host_itself_cannot_sign_a_member_token()
    {
        // Whatever signer the service host holds (before: the shared HMAC key, good for any coordinator).
        var signer = host.Services.GetService<InternalTokenIssuer>();
        if (signer is not null)
        {
            var token = signer.Issue(OrganizationHost.CoordinatorId, CallerRoles.Coordinator);
            await GrpcAssert.Refused(StatusCode.Unauthenticated, async () => await Client(token).ListOrganizationsAsync(List));
        }

        var member = await host.CreateActiveAsync(OrganizationHost.Unique("Radio Accepted"));
        var accepted = await Client(TestKeys.Gateway.Issue(member.Id, CallerRoles.Member)).GetOrganizationAsync(new V1.GetOrganizationRequest { Id = member.Id });
        Assert.Equal(member.Id, accepted.Organization.Id);
    }

    [Fact]
    public void The_service_holds_no_private_key_of_the_gateway_and_starts()
    {
        var configuration = host.Services.GetRequiredService<IConfiguration>();
        var gatewayKey = TestKeys.PrivateKey(InternalTokenNames.Gateway);
        Assert.DoesNotContain(configuration.AsEnumerable(), setting => setting.Value?.Contains(gatewayKey, StringComparison.Ordinal) == true);
        var options = host.Services.GetRequiredService<IOptions<InternalTokenOptions>>().Value;
        Assert.NotEqual(gatewayKey, options.PrivateKey);
        Assert.Equal(TestKeys.PublicKey(InternalTokenNames.Gateway), options.Issuers[InternalTokenNames.Gateway].PublicKey);
    }

    [Fact]
    public async Task A_service_token_is_accepted_for_the_methods_granted_to_it()
    {
        var member = await host.CreateActiveAsync(OrganizationHost.Unique("Radio Granted"));
        var exchange = new V1.OrganizationService.OrganizationServiceClient(host.AsService("exchange"));
        Assert.Equal(member.Id, (await exchange.GetOrganizationAsync(new V1.GetOrganizationRequest { Id = member.Id })).Organization.Id);
        Assert.Single((await exchange.BatchGetOrganizationsAsync(new V1.BatchGetOrganizationsRequest { Ids = { member.Id } })).Organizations);

        var initiative = new V1.OrganizationService.OrganizationServiceClient(host.AsService("initiative"));
        Assert.Single((await initiative.BatchGetOrganizationsAsync(new V1.BatchGetOrganizationsRequest { Ids = { member.Id } })).Organizations);

        // The gateway's key look-up reaches the method (an unknown key is NOT_FOUND, not a refusal of the caller).
        await GrpcAssert.Refused(StatusCode.NotFound, async () => await host.Gateway.ResolveApiKeyAsync(new V1.ResolveApiKeyRequest { Secret = "mmk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }));
    }

    [Fact]
    public async Task A_service_token_is_permission_denied_outside_its_grant()
    {
        var exchange = new V1.OrganizationService.OrganizationServiceClient(host.AsService("exchange"));
        await GrpcAssert.Refused(StatusCode.PermissionDenied, async () => await exchange.ListOrganizationsAsync(List));
        await GrpcAssert.Refused(StatusCode.PermissionDenied, async () => await exchange.CreateOrganizationAsync(
            new V1.CreateOrganizationRequest { Organization = OrganizationHost.NewOrganization(OrganizationHost.Unique("Radio Service")) }));
        await GrpcAssert.Refused(StatusCode.PermissionDenied, async () => await new V1.CredentialService.CredentialServiceClient(host.AsService("exchange"))
            .ResolveApiKeyAsync(new V1.ResolveApiKeyRequest { Secret = "mmk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }));

        var initiative = new V1.OrganizationService.OrganizationServiceClient(host.AsService("initiative"));
        await GrpcAssert.Refused(StatusCode.PermissionDenied, async () => await initiative.GetOrganizationAsync(new V1.GetOrganizationRequest { Id = "org_x" }));

        var gateway = new V1.OrganizationService.OrganizationServiceClient(host.AsService(InternalTokenNames.Gateway));
        await GrpcAssert.Refused(StatusCode.PermissionDenied, async () => await gateway.GetOrganizationAsync(new V1.GetOrganizationRequest { Id = "org_x" }));

        // The organization service has no grant on itself either.
        var self = new V1.OrganizationService.OrganizationServiceClient(host.AsService("organization"));
        await GrpcAssert.Refused(StatusCode.PermissionDenied, async () => await self.BatchGetOrganizationsAsync(new V1.BatchGetOrganizationsRequest { Ids = { "org_x" } }));
    }

    [Fact]
    public async Task A_service_token_cannot_act_as_a_member()
    {
        var member = await host.CreateActiveAsync(OrganizationHost.Unique("Radio Impersonated"));

        // A service token whose subject is an organisation (before: any "service" token could name one).
        var asMember = Sign("exchange", new() { ["iss"] = "exchange", ["aud"] = "organization", ["sub"] = member.Id, [MediaMeshClaims.Role] = CallerRoles.Service });
        await GrpcAssert.Refused(StatusCode.Unauthenticated, async () => await Client(asMember).GetOrganizationAsync(new V1.GetOrganizationRequest { Id = member.Id }));

        // A member token made by a service, for the services' audience.
        var member2 = Sign("exchange", new() { ["iss"] = "exchange", ["aud"] = InternalTokenNames.MemberAudience, ["sub"] = member.Id, [MediaMeshClaims.Role] = CallerRoles.Member });
        await GrpcAssert.Refused(StatusCode.Unauthenticated, async () => await Client(member2).GetOrganizationAsync(new V1.GetOrganizationRequest { Id = member.Id }));

        // A service token for another callee.
        var elsewhere = TestKeys.Signer("exchange").IssueServiceToken("initiative");
        await GrpcAssert.Refused(StatusCode.Unauthenticated, async () => await Client(elsewhere).GetOrganizationAsync(new V1.GetOrganizationRequest { Id = member.Id }));

        // Even where a method is granted, a service never acts for an organisation.
        var service = new CallerIdentity(InternalTokenNames.ServiceSubject("exchange"), CallerRoles.Service);
        Assert.False(service.MayActFor(InternalTokenNames.ServiceSubject("exchange")));
        Assert.False(service.MayActFor(member.Id));
        Assert.Equal("exchange", service.ServiceName);
    }

    [Fact]
    public async Task A_token_older_than_a_call_needs_is_unauthenticated()
    {
        // Signed by the gateway's key with the default lifetime, 90 s ago (before: tokens lived 5 minutes).
        var signer = TestKeys.SignerFor(InternalTokenNames.Gateway, TestKeys.PrivateKey(InternalTokenNames.Gateway), new ShiftedClock(TimeSpan.FromSeconds(-90)));
        var stale = signer.Issue(OrganizationHost.CoordinatorId, CallerRoles.Coordinator);
        await GrpcAssert.Refused(StatusCode.Unauthenticated, async () => await Client(stale).ListOrganizationsAsync(List));

        Assert.True(new InternalTokenOptions().Lifetime <= TimeSpan.FromSeconds(60));
        var fresh = new JsonWebToken(TestKeys.Gateway.Issue(OrganizationHost.CoordinatorId, CallerRoles.Coordinator));
        Assert.True(fresh.ValidTo - fresh.ValidFrom <= TimeSpan.FromSeconds(60));
        await Client(fresh.EncodedToken).ListOrganizationsAsync(List);
    }

    [Fact]
    public async Task A_token_of_an_issuer_without_a_trusted_key_is_unauthenticated()
    {
        var rogue = TestKeys.SignerFor("mediastore", TokenKeys.Generate().PrivateKey, TimeProvider.System);
        await GrpcAssert.Refused(StatusCode.Unauthenticated, async () => await Client(rogue.IssueServiceToken("organization"))
            .GetOrganizationAsync(new V1.GetOrganizationRequest { Id = "org_x" }));
        await GrpcAssert.Refused(StatusCode.Unauthenticated, async () => await Client(rogue.Issue(OrganizationHost.CoordinatorId, CallerRoles.Coordinator))
            .ListOrganizationsAsync(List));
    }

    [Theory]
    [InlineData("MediaMesh:InternalToken:Issuers:gateway:PublicKey", "", "Issuers:gateway:PublicKey")]
    [InlineData("MediaMesh:InternalToken:Issuers:gateway:PublicKey", "bm90IGEga2V5", "Issuers:gateway:PublicKey")]
    [InlineData("MediaMesh:InternalToken:Issuers:exchange:PublicKey", "%%%", "Issuers:exchange:PublicKey")]
    [InlineData("MediaMesh:InternalToken:Lifetime", "01:00:00", "Lifetime")]
    public void Bad_key_configuration_fails_at_start_naming_the_setting(string setting, string value, string named)
    {
        using var broken = new OrganizationHost();
        broken.WithSetting(setting, value);
        var failure = Assert.ThrowsAny<Exception>(() => broken.CreateClient());
        var validation = Assert.IsType<OptionsValidationException>(Unwrap(failure));
        Assert.Contains(named, validation.Message, StringComparison.Ordinal);
    }

    private static Exception Unwrap(Exception failure) =>
        failure is AggregateException { InnerException: { } inner } ? Unwrap(inner) : failure;

    private V1.OrganizationService.OrganizationServiceClient Client(string token) => new(host.WithToken(token));

    /// <summary>A token with exactly these claims, signed with <paramref name="issuer"/>'s key of the run.</summary>
    private static string Sign(string issuer, Dictionary<string, object> claims)
    {
        var now = DateTime.UtcNow;
        var key = new ECDsaSecurityKey(TokenKeys.ImportPrivate(TestKeys.PrivateKey(issuer), "test"));
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddSeconds(30),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256),
        });
    }

    private sealed class ShiftedClock(TimeSpan by) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + by;
    }
}
