using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using MediaMesh.Contracts.Exchange.V1;
using MediaMesh.Contracts.Initiative.V1;
using MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Client;

/// <summary>
/// The one entry point to MediaMesh for a member: a channel to the gateway with the member's key,
/// default deadlines and the SDK's retry policy, and the generated client of every public service.
/// Thread-safe; create one per identity and reuse it.
/// </summary>
public sealed class MediaMeshClient : IDisposable
{
    private readonly GrpcChannel _channel;

    private MediaMeshClient(MediaMeshClientOptions options)
    {
        Options = options;
        var handler = options.HttpHandler ?? new SocketsHttpHandler
        {
            // Detect a dead link on long transfers and feeds instead of waiting forever.
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            EnableMultipleHttp2Connections = true,
            // Downloads arrive in 1 MiB messages: a window of several keeps a fast link busy.
            InitialHttp2StreamWindowSize = 8 * 1024 * 1024,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        };
        _channel = GrpcChannel.ForAddress(options.GatewayAddress, new GrpcChannelOptions
        {
            HttpHandler = new RetryPushbackHandler(handler),
            ServiceConfig = RetryPolicy.CreateServiceConfig(options),
            MaxReceiveMessageSize = 8 * 1024 * 1024,
            // Download chunks are at most 1 MiB; nothing else is big.
            MaxRetryBufferPerCallSize = 1024 * 1024,
            DisposeHttpClient = options.HttpHandler is null,
        });
        CallInvoker = _channel.CreateCallInvoker().Intercept(new CallDefaultsInterceptor(options.ApiKey, options.CallDeadline));
        Organizations = new OrganizationService.OrganizationServiceClient(CallInvoker);
        Initiatives = new InitiativeService.InitiativeServiceClient(CallInvoker);
        Offers = new OfferService.OfferServiceClient(CallInvoker);
        Media = new MediaService.MediaServiceClient(CallInvoker);
        Licensing = new LicensingService.LicensingServiceClient(CallInvoker);
        Catalogue = new CatalogueService.CatalogueServiceClient(CallInvoker);
        Usage = new UsageService.UsageServiceClient(CallInvoker);
        ExchangeAudit = new AuditService.AuditServiceClient(CallInvoker);
    }

    /// <summary>Connects with explicit options.</summary>
    public static MediaMeshClient Create(MediaMeshClientOptions options) => new(options);

    /// <summary>Connects with the environment or the CLI's config file (see <see cref="MediaMeshClientOptions.Resolve"/>).</summary>
    public static MediaMeshClient Create(string? profile = null) => new(MediaMeshClientOptions.Resolve(profile));

    /// <summary>The options this client was created with.</summary>
    public MediaMeshClientOptions Options { get; }

    /// <summary>The call invoker behind every client (for generated clients of your own).</summary>
    public CallInvoker CallInvoker { get; }

    /// <summary>Organisations, unions, roles and API keys.</summary>
    public OrganizationService.OrganizationServiceClient Organizations { get; }

    /// <summary>Joint initiatives, signatures and activities.</summary>
    public InitiativeService.InitiativeServiceClient Initiatives { get; }

    /// <summary>Offers and their lifecycle.</summary>
    public OfferService.OfferServiceClient Offers { get; }

    /// <summary>Renditions (prefer <see cref="UploadFileAsync"/> and <see cref="DownloadFileAsync"/> for files).</summary>
    public MediaService.MediaServiceClient Media { get; }

    /// <summary>Requests, approvals and licences.</summary>
    public LicensingService.LicensingServiceClient Licensing { get; }

    /// <summary>Catalogue search and the feed (prefer <see cref="FollowFeedAsync"/> to follow it).</summary>
    public CatalogueService.CatalogueServiceClient Catalogue { get; }

    /// <summary>Usage reports and the exchange-balance statistics.</summary>
    public UsageService.UsageServiceClient Usage { get; }

    /// <summary>The exchange's audit trail (the directory's is <see cref="Organizations"/>' ListAuditEntries).</summary>
    public AuditService.AuditServiceClient ExchangeAudit { get; }

    /// <summary>Declares <paramref name="path"/> as a rendition of an offer and uploads it, resuming after broken connections.</summary>
    public Task<Rendition> UploadFileAsync(string offerId, string path, Transfers.RenditionDeclaration declaration,
        IProgress<Transfers.TransferProgress>? progress = null, CancellationToken cancellationToken = default) =>
        new Transfers.RenditionUploader(this).UploadAsync(offerId, path, declaration, progress, cancellationToken);

    /// <summary>Downloads a rendition to <paramref name="path"/>, resuming a partial file and verifying the SHA-256.</summary>
    public Task<Rendition> DownloadFileAsync(string renditionId, string path,
        IProgress<Transfers.TransferProgress>? progress = null, CancellationToken cancellationToken = default) =>
        new Transfers.RenditionDownloader(this).DownloadAsync(renditionId, path, progress, cancellationToken);

    /// <summary>Follows the feed from the stored cursor until cancelled; see <see cref="Feed.FeedFollower"/>.</summary>
    public Task FollowFeedAsync(Feed.ICursorStore cursor, Func<FeedEvent, CancellationToken, Task> handle,
        Feed.FeedFollowOptions? options = null, CancellationToken cancellationToken = default) =>
        new Feed.FeedFollower(this, options ?? new Feed.FeedFollowOptions()).RunAsync(cursor, handle, cancellationToken);

    public void Dispose() => _channel.Dispose();
}
