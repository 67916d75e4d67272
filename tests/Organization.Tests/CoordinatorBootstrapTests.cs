using Google.Rpc;
using MediaMesh.Common.Errors;
using MediaMesh.Organizations;
using MediaMesh.Organizations.Application;
using MediaMesh.Organizations.Domain;
using MediaMesh.ServiceDefaults.Grpc;
using Microsoft.Extensions.DependencyInjection;
using V1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Organization.Tests;

/// <summary>The `bootstrap` command path. Own host: it needs a database without any coordinator.</summary>
public sealed class CoordinatorBootstrapTests(OrganizationHost host) : IClassFixture<OrganizationHost>
{
    [Fact]
    public async Task Bootstrap_creates_an_active_coordinator_with_a_working_key_once()
    {
        var (organization, secret) = await host.WithScopeAsync(sp =>
            sp.GetRequiredService<CoordinatorBootstrap>().RunAsync("Arab States Broadcasting Union", "TN", OrganizationKind.BroadcastingUnion, "ar", CancellationToken.None));

        var stored = await host.GetAsync(organization.Id);
        Assert.Equal(V1.OrganizationStatus.Active, stored.Status);
        Assert.Equal(V1.OrganizationRole.Coordinator, stored.Role);
        Assert.Equal(V1.OrganizationKind.BroadcastingUnion, stored.Kind);
        Assert.Equal(Contracts.Common.V1.Region.ArabStates, stored.Region);
        Assert.Equal("Arab States Broadcasting Union", Assert.Single(stored.Names).Text);
        Assert.Equal(["ar"], stored.WorkingLanguages);

        var resolved = await host.Gateway.ResolveApiKeyAsync(new V1.ResolveApiKeyRequest { Secret = secret });
        Assert.Equal(organization.Id, resolved.OrganizationId);
        Assert.Equal(V1.OrganizationRole.Coordinator, resolved.Role);
        Assert.Equal(V1.OrganizationStatus.Active, resolved.Status);

        var refused = await Assert.ThrowsAsync<PreconditionFailedException>(() => host.WithScopeAsync(sp =>
            sp.GetRequiredService<CoordinatorBootstrap>().RunAsync("Second Coordinator", "KE", OrganizationKind.Broadcaster, "en", CancellationToken.None)));
        Assert.Equal((int)Code.FailedPrecondition, ErrorMappingInterceptor.ToStatus(refused).Code);

        var everyone = await host.Coordinator.ListOrganizationsAsync(new V1.ListOrganizationsRequest());
        Assert.Equal(organization.Id, Assert.Single(everyone.Organizations).Id);

        // The command line wrapper reports the refusal with a non-zero exit code and prints no key.
        using var output = new StringWriter();
        var exit = await BootstrapCommand.RunAsync(host.Services, ["bootstrap", "--name", "Third", "--country", "KE"], output);
        Assert.Equal(1, exit);
        Assert.DoesNotContain("api_key", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bootstrap", "--country", "KE")]
    [InlineData("bootstrap", "--name", "X", "--country", "XX")]
    [InlineData("bootstrap", "--name", "X", "--country", "KE", "--kind", "radio")]
    [InlineData("bootstrap", "--name", "X", "--country", "KE", "--language", "en_GB")]
    public async Task Bootstrap_command_prints_usage_for_bad_arguments(params string[] args)
    {
        using var output = new StringWriter();
        Assert.Equal(2, await BootstrapCommand.RunAsync(host.Services, args, output));
        Assert.StartsWith("usage:", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Bootstrap_is_requested_only_by_the_first_argument()
    {
        Assert.True(BootstrapCommand.IsRequested(["bootstrap", "--name", "x"]));
        Assert.False(BootstrapCommand.IsRequested([]));
        Assert.False(BootstrapCommand.IsRequested(["--urls", "bootstrap"]));
    }
}
