using Google.Rpc;
using Grpc.Core;
using MediaMesh.ServiceDefaults.Grpc;
using MediaMesh.TestSupport;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Gateway.Tests;

/// <summary>
/// A refusal that echoes what a hostile request held (a 100 kB id) once made trailers over the gateway's
/// HttpClient header limit: the client failed the whole HTTP/2 connection to the backend, and with it every
/// other member's call in flight on it. The answer is bounded at its source and the other calls are untouched.
/// </summary>
[Collection(nameof(MeshCollection))]
public sealed class OversizedRefusalTests(Mesh mesh)
{
    [Fact]
    public async Task A_refusal_echoing_a_huge_id_stays_small_and_spares_the_other_calls_on_the_connection()
    {
        var client = mesh.CoordinatorClient;
        var hugeId = "org_" + new string('x', 100_000);
        var own = new OrgV1.GetOrganizationRequest { Id = mesh.Coordinator.OrganizationId };

        for (var round = 0; round < 5; round++)
        {
            var others = Enumerable.Range(0, 20).Select(_ => client.GetOrganizationAsync(own).ResponseAsync).ToArray();
            var refused = await GrpcAssert.Refused(StatusCode.NotFound, () => client.GetOrganizationAsync(new OrgV1.GetOrganizationRequest { Id = hugeId }));

            Assert.True(refused.Status.Detail.Length <= StatusSize.MaxMessageLength, $"{refused.Status.Detail.Length} characters");
            Assert.StartsWith("Organization 'org_xxx", refused.Status.Detail, StringComparison.Ordinal);
            var info = refused.GetRpcStatus()?.GetDetail<ResourceInfo>();
            Assert.NotNull(info);
            Assert.Equal("Organization", info.ResourceType);
            Assert.StartsWith("org_xxx", info.ResourceName, StringComparison.Ordinal);
            Assert.True(info.ResourceName.Length <= StatusSize.MaxTextLength);
            foreach (var answer in await Task.WhenAll(others))
            {
                Assert.Equal(mesh.Coordinator.OrganizationId, answer.Organization.Id);
            }
        }
    }
}
