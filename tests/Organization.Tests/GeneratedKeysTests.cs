using System.Diagnostics;
using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Organization.Tests;

/// <summary>The keys that deploy/generate-keys.sh writes for docker-compose are the ones the services read.</summary>
public sealed class GeneratedKeysTests
{
    [Fact]
    public async Task Keys_from_generate_keys_sh_verify_and_sign_as_configured()
    {
        var root = RepositoryRoot();
        var file = Path.Combine(Path.GetTempPath(), $"mediamesh-keys-{Guid.NewGuid():N}.env");
        try
        {
            using (var script = Process.Start(new ProcessStartInfo("bash", [Path.Combine(root, "deploy", "generate-keys.sh"), file]) { RedirectStandardOutput = true })!)
            {
                await script.StandardOutput.ReadToEndAsync();
                await script.WaitForExitAsync();
                Assert.Equal(0, script.ExitCode);
            }

            var env = File.ReadAllLines(file).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
            foreach (var name in new[] { "GATEWAY", "INITIATIVE", "EXCHANGE" })
            {
                Assert.Equal(env[$"MEDIAMESH_{name}_PUBLIC_KEY"], TokenKeys.PublicOf(env[$"MEDIAMESH_{name}_PRIVATE_KEY"], name));
            }

            Assert.False(string.IsNullOrEmpty(env["MEDIAMESH_POSTGRES_PASSWORD"]));

            // An organization service configured as docker-compose.yml configures it accepts the generated gateway's member token.
            using var host = new OrganizationHost();
            host.WithSetting("MediaMesh:InternalToken:Issuers:gateway:PublicKey", env["MEDIAMESH_GATEWAY_PUBLIC_KEY"]);
            var gateway = TestKeys.SignerFor(InternalTokenNames.Gateway, env["MEDIAMESH_GATEWAY_PRIVATE_KEY"], TimeProvider.System);
            var client = new V1.OrganizationService.OrganizationServiceClient(host.WithToken(gateway.Issue(OrganizationHost.CoordinatorId, CallerRoles.Coordinator)));
            await client.ListOrganizationsAsync(new V1.ListOrganizationsRequest());
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "docker-compose.yml")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (docker-compose.yml) was not found above " + AppContext.BaseDirectory);
    }
}
