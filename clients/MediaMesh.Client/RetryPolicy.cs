using Grpc.Core;
using Grpc.Net.Client.Configuration;

namespace MediaMesh.Client;

/// <summary>
/// The SDK's one retry layer: a gRPC service config on the channel.
/// <list type="bullet">
/// <item>Idempotent calls (reads, and signing, which the service makes idempotent) are retried on
/// UNAVAILABLE and RESOURCE_EXHAUSTED.</item>
/// <item>Other unary calls (writes) only on RESOURCE_EXHAUSTED: that refusal is the gateway's rate
/// limit, given before the call is forwarded, so nothing was written. A write refused with
/// UNAVAILABLE may have reached a service and is never repeated by the SDK.</item>
/// <item>Streams (upload, download, feed) are not retried by the channel: their helpers resume them
/// from the server's state instead (bytes held, the last cursor).</item>
/// </list>
/// The server's wait (google.rpc.RetryInfo or retry-after) is honoured through
/// <see cref="RetryPushbackHandler"/>, which turns it into gRPC's <c>grpc-retry-pushback-ms</c>.
/// </summary>
public static class RetryPolicy
{
    /// <summary>Methods that may safely run twice.</summary>
    public static readonly IReadOnlyList<(string Service, string Method)> IdempotentMethods =
    [
        .. Methods("mediamesh.organization.v1.OrganizationService", "GetOrganization", "BatchGetOrganizations", "ListOrganizations", "ListUnionMemberships", "ListApiKeys", "ListAuditEntries"),
        .. Methods("mediamesh.initiative.v1.InitiativeService", "GetInitiative", "ListInitiatives", "SignInitiative", "ListSignatures", "CountSignaturesByRegion", "GetActivity", "ListActivities", "ListAuditEntries"),
        .. Methods("mediamesh.exchange.v1.OfferService", "GetOffer", "ListOffers", "ListOfferVersions"),
        .. Methods("mediamesh.exchange.v1.MediaService", "GetRendition"),
        .. Methods("mediamesh.exchange.v1.LicensingService", "GetContentRequest", "ListContentRequests", "GetLicence", "ListLicences"),
        .. Methods("mediamesh.exchange.v1.CatalogueService", "SearchOffers"),
        .. Methods("mediamesh.exchange.v1.UsageService", "ListUsageReports", "GetExchangeStatistics", "GetFlowMatrix", "GetReciprocity"),
        .. Methods("mediamesh.exchange.v1.AuditService", "ListAuditEntries"),
        ("grpc.health.v1.Health", "Check"),
    ];

    /// <summary>Streams resumed by their helpers, never by the channel.</summary>
    public static readonly IReadOnlyList<(string Service, string Method)> ResumedStreams =
    [
        ("mediamesh.exchange.v1.MediaService", "UploadRendition"),
        ("mediamesh.exchange.v1.MediaService", "DownloadRendition"),
        ("mediamesh.exchange.v1.CatalogueService", "SubscribeFeed"),
    ];

    /// <summary>Whether the policy may repeat a call of <paramref name="path"/> (<c>/package.Service/Method</c>) refused with <paramref name="code"/>.</summary>
    public static bool MayRetry(string path, StatusCode code)
    {
        var parts = path.Trim('/').Split('/');
        if (parts.Length != 2)
        {
            return false;
        }

        var method = (parts[0], parts[1]);
        if (ResumedStreams.Contains(method))
        {
            return false;
        }

        return code == StatusCode.ResourceExhausted || (code == StatusCode.Unavailable && IdempotentMethods.Contains(method));
    }

    /// <summary>The service config for a channel with these options.</summary>
    public static ServiceConfig CreateServiceConfig(MediaMeshClientOptions options)
    {
        if (options.MaxAttempts <= 1)
        {
            // One attempt: no retry layer at all (a tool or test that wants every raw status).
            return new ServiceConfig();
        }

        var idempotent = new MethodConfig
        {
            RetryPolicy = Policy(options, StatusCode.Unavailable, StatusCode.ResourceExhausted),
        };
        foreach (var (service, method) in IdempotentMethods)
        {
            idempotent.Names.Add(new MethodName { Service = service, Method = method });
        }

        var streams = new MethodConfig();
        foreach (var (service, method) in ResumedStreams)
        {
            streams.Names.Add(new MethodName { Service = service, Method = method });
        }

        var writes = new MethodConfig
        {
            Names = { MethodName.Default },
            RetryPolicy = Policy(options, StatusCode.ResourceExhausted),
        };
        return new ServiceConfig { MethodConfigs = { idempotent, streams, writes } };
    }

    private static Grpc.Net.Client.Configuration.RetryPolicy Policy(MediaMeshClientOptions options, params StatusCode[] codes)
    {
        var policy = new Grpc.Net.Client.Configuration.RetryPolicy
        {
            MaxAttempts = Math.Max(2, options.MaxAttempts),
            InitialBackoff = options.InitialBackoff,
            MaxBackoff = options.MaxBackoff,
            BackoffMultiplier = 2,
        };
        foreach (var code in codes)
        {
            policy.RetryableStatusCodes.Add(code);
        }

        return policy;
    }

    private static IEnumerable<(string, string)> Methods(string service, params string[] methods) =>
        methods.Select(m => (service, m));
}
