using Google.Protobuf.WellKnownTypes;
using MediaMesh.Bench.Support;
using MediaMesh.Client;
using MediaMesh.Contracts.Common.V1;
using MediaMesh.Contracts.Exchange.V1;
using MediaMesh.ServiceDefaults.Identity;
using Microsoft.Extensions.Options;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Media.Bench;

/// <summary>
/// The stack with one member and a draft offer to hang renditions on; clients through the gateway
/// (the member's API key) and straight to the exchange (a member token signed with the gateway's key,
/// as the gateway would forward it).
/// </summary>
public sealed class MediaBenchStack(BenchStack stack, string organizationId, string apiKeyId, string apiKey, string offerId)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(10);

    public BenchStack Stack => stack;

    public string OfferId => offerId;

    public static async Task<MediaBenchStack> StartAsync(MediaBenchOptions options)
    {
        var stack = await BenchStack.StartAsync(new BenchStackOptions
        {
            BasePort = options.BasePort,
            Cores = options.Cores,
            // A cold organization service on a loaded machine can miss the 3 s key-resolution budget on the first call.
            ProcessEnvironment = new Dictionary<string, IReadOnlyDictionary<string, string>>
            {
                ["gateway"] = new Dictionary<string, string> { ["MediaMesh__Gateway__KeyResolutionTimeout"] = "00:00:30" },
            },
        });
        try
        {
            return await SeedAsync(stack);
        }
        catch
        {
            foreach (var (name, process) in stack.Processes)
            {
                Console.Error.WriteLine($"--- {name} ---\n{process.Output}");
            }

            if (System.Environment.GetEnvironmentVariable("MEDIA_BENCH_HOLD") is not null)
            {
                await Task.Delay(TimeSpan.FromSeconds(60));
            }

            await stack.DisposeAsync();
            throw;
        }
    }

    private static async Task<MediaBenchStack> SeedAsync(BenchStack stack)
    {
        using var coordinator = Gateway(stack, stack.CoordinatorApiKey);
        // Cold services on a loaded machine: the first key resolution may time out; try again a few times.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await coordinator.Organizations.ListOrganizationsAsync(new OrgV1.ListOrganizationsRequest { PageSize = 1 });
                break;
            }
            catch (MediaMeshException e) when (e.StatusCode == Grpc.Core.StatusCode.Unavailable && attempt < 15)
            {
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }

        var organization = (await coordinator.Organizations.CreateOrganizationAsync(new OrgV1.CreateOrganizationRequest
        {
            Organization = new OrgV1.Organization
            {
                Kind = OrgV1.OrganizationKind.Broadcaster,
                Names = { new LocalizedText { Language = "en", Text = "Media Bench Broadcaster", Original = true } },
                CountryCode = "KE",
                WorkingLanguages = { "en" },
            },
        })).Organization;
        await coordinator.Organizations.ActivateOrganizationAsync(new OrgV1.ActivateOrganizationRequest { Id = organization.Id });
        var key = await coordinator.Organizations.CreateApiKeyAsync(new OrgV1.CreateApiKeyRequest { OrganizationId = organization.Id, DisplayName = "media bench" });
        using var member = Gateway(stack, key.Secret);
        var offer = (await member.Offers.CreateOfferAsync(new CreateOfferRequest
        {
            Offer = new Offer
            {
                Type = OfferType.NewsVideo,
                Headlines = { new LocalizedText { Language = "en", Text = "Media bench item", Original = true } },
                Slugline = "MEDIA-BENCH",
                AudioLanguages = { "en" },
                Rights = new Rights
                {
                    PermittedUses = { UsageKind.Broadcast },
                    LicenceWindow = new TimeInterval { StartTime = Timestamp.FromDateTime(DateTime.UtcNow.AddDays(-1)) },
                    Approval = new ApprovalPolicy { Mode = ApprovalMode.Manual },
                },
            },
        })).Offer;
        return new MediaBenchStack(stack, organization.Id, key.ApiKey.Id, key.Secret, offer.Id);
    }

    /// <summary>The member's SDK client through the gateway.</summary>
    public MediaMeshClient ThroughGateway() => Gateway(stack, apiKey);

    /// <summary>The member's SDK client straight to the exchange service, with a fresh member token.</summary>
    public MediaMeshClient Direct()
    {
        var issuer = new InternalTokenIssuer(
            Options.Create(new InternalTokenOptions { PrivateKey = stack.PrivateKeyOf("gateway") }),
            new InternalTokenIdentity(InternalTokenNames.Gateway), TimeProvider.System);
        return MediaMeshClient.Create(new MediaMeshClientOptions
        {
            GatewayAddress = new Uri($"http://127.0.0.1:{stack.PortOf("exchange")}"),
            ApiKey = issuer.Issue(organizationId, CallerRoles.Member, apiKeyId),
            CallDeadline = Deadline,
        });
    }

    /// <summary>Where the exchange keeps a rendition's bytes (its store's layout: media/renditions/&lt;id&gt;.media).</summary>
    public string ObjectPathOf(string renditionId) => Path.Combine(stack.DataDirectory, "media", "renditions", renditionId + ".media");

    private static MediaMeshClient Gateway(BenchStack stack, string key) => MediaMeshClient.Create(new MediaMeshClientOptions
    {
        GatewayAddress = new Uri($"http://127.0.0.1:{stack.GatewayPort}"),
        ApiKey = key,
        CallDeadline = Deadline,
    });
}
