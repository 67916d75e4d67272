using Google.Rpc;
using Grpc.Core;
using MediaMesh.ServiceDefaults.Lifecycle;
using Microsoft.Extensions.DependencyInjection;
using OrgV1 = MediaMesh.Contracts.Organization.V1;
using V1 = MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Gateway.Tests;

/// <summary>
/// How the gateway itself stops (SIGTERM, a rolling restart of the gateway): once its drain is over the streams
/// it proxies end with UNAVAILABLE and RetryInfo (what the SDK resumes from) instead of waiting out the host's
/// shutdown timeout and being cut without a status; unary calls are still answered. A gateway of its own in
/// front of the shared mesh's services, so the shared one keeps running.
/// </summary>
[Collection(nameof(MeshCollection))]
public sealed class GatewayShutdownTests(Mesh mesh)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_open_feed_through_a_stopping_gateway_ends_unavailable_with_retry_info_and_a_new_one_is_refused_the_same_way()
    {
        var member = await mesh.CreateMemberAsync("Ghana Broadcasting Corporation", "GH");
        await using var gateway = new GatewayHost(new Dictionary<string, string>
        {
            ["organization"] = mesh.Organization.Address,
            ["initiative"] = mesh.Initiative.Address,
            ["exchange"] = mesh.Exchange.Address,
        });
        var clients = new ExchangeClients(gateway, member);
        using var timeout = new CancellationTokenSource(Patience);
        using var feed = clients.Catalogue.SubscribeFeed(new V1.SubscribeFeedRequest(), cancellationToken: timeout.Token);
        Assert.True(await feed.ResponseStream.MoveNext(timeout.Token));

        await gateway.Services.GetRequiredService<GracefulShutdown>().StoppingAsync(CancellationToken.None);

        var ended = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await feed.ResponseStream.MoveNext(timeout.Token))
            {
            }
        });
        Assert.Equal(StatusCode.Unavailable, ended.StatusCode);
        Assert.Equal("The gateway is shutting down; call again to continue.", ended.Status.Detail);
        Assert.NotNull(ended.GetRpcStatus()?.GetDetail<RetryInfo>());

        using var late = clients.Catalogue.SubscribeFeed(new V1.SubscribeFeedRequest(), cancellationToken: timeout.Token);
        var refused = await Assert.ThrowsAsync<RpcException>(() => late.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Contains("shutting down", refused.Status.Detail, StringComparison.Ordinal);
        Assert.NotNull(refused.GetRpcStatus()?.GetDetail<RetryInfo>());

        // Unary calls are the server's to finish: still answered.
        var organizations = new OrgV1.OrganizationService.OrganizationServiceClient(gateway.Grpc(member.ApiKey));
        var own = await organizations.GetOrganizationAsync(new OrgV1.GetOrganizationRequest { Id = member.OrganizationId }, cancellationToken: timeout.Token);
        Assert.Equal(member.OrganizationId, own.Organization.Id);
    }
}
