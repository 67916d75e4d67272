using Grpc.Net.ClientFactory;
using Microsoft.Extensions.Hosting;

namespace MediaMesh.ServiceDefaults.Grpc;

/// <summary>
/// Creates every outbound client's channel once as the host starts, before it serves. grpc-dotnet's client factory
/// creates a channel on the client's first use; a replica that has just joined gets its first calls all at once, and
/// two channels set up at once on the factory's shared SocketsHttpHandler can race in the load-balancing set-up
/// (one sees the other's connect callback and refuses: "Channel is configured with an HTTP transport doesn't
/// support client-side load balancing"), which failed that call with INTERNAL. The factory keeps the channel for the
/// process's life, so one creation at start is the only one.
/// </summary>
internal sealed class OutboundChannelsStartup(GrpcClientFactory factory, OutboundClientRegistry clients) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        foreach (var create in clients.Creators)
        {
            create(factory);
        }

        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The outbound clients registered by <see cref="OutboundGrpcClients"/>, each as a way to create it.</summary>
internal sealed class OutboundClientRegistry
{
    private readonly List<Action<GrpcClientFactory>> _creators = [];

    public IReadOnlyList<Action<GrpcClientFactory>> Creators => _creators;

    public void Add<TClient>()
        where TClient : class =>
        _creators.Add(factory => factory.CreateClient<TClient>(typeof(TClient).Name));
}
