using Google.Protobuf.WellKnownTypes;
using MediaMesh.Bench.Support;
using MediaMesh.Client;
using CommonV1 = MediaMesh.Contracts.Common.V1;
using ExchangeV1 = MediaMesh.Contracts.Exchange.V1;
using InitiativeV1 = MediaMesh.Contracts.Initiative.V1;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Proxy.Bench;

/// <summary>A member organisation with an API key, an offer and an initiative, made through the public API, so every point read finds a real row.</summary>
public sealed record MemberFixture(string OrganizationId, string ApiKeyId, string ApiKey, string OfferId, string InitiativeId)
{
    public static async Task<MemberFixture> CreateAsync(BenchStack stack)
    {
        var gateway = new Uri($"http://127.0.0.1:{stack.GatewayPort}");
        using var coordinator = MediaMeshClient.Create(new MediaMeshClientOptions { GatewayAddress = gateway, ApiKey = stack.CoordinatorApiKey });
        await WaitUntilServingAsync(coordinator);
        var organization = (await coordinator.Organizations.CreateOrganizationAsync(new OrgV1.CreateOrganizationRequest
        {
            Organization = new OrgV1.Organization
            {
                Kind = OrgV1.OrganizationKind.Broadcaster,
                Names = { new CommonV1.LocalizedText { Language = "en", Text = "Bench Broadcasting Corporation", Original = true } },
                CountryCode = "KE",
                WorkingLanguages = { "en", "sw" },
            },
        })).Organization;
        await coordinator.Organizations.ActivateOrganizationAsync(new OrgV1.ActivateOrganizationRequest { Id = organization.Id });
        var key = await coordinator.Organizations.CreateApiKeyAsync(new OrgV1.CreateApiKeyRequest { OrganizationId = organization.Id, DisplayName = "bench" });

        using var member = MediaMeshClient.Create(new MediaMeshClientOptions { GatewayAddress = gateway, ApiKey = key.Secret });
        var offer = (await member.Offers.CreateOfferAsync(new ExchangeV1.CreateOfferRequest
        {
            Offer = new ExchangeV1.Offer
            {
                Type = ExchangeV1.OfferType.NewsVideo,
                Headlines = { new CommonV1.LocalizedText { Language = "en", Text = "Floods in the Rift Valley", Original = true } },
                Slugline = "BENCH-FLOODS",
                AudioLanguages = { "sw" },
                Rights = new ExchangeV1.Rights
                {
                    PermittedUses = { ExchangeV1.UsageKind.Broadcast, ExchangeV1.UsageKind.Online },
                    LicenceWindow = new CommonV1.TimeInterval { StartTime = Timestamp.FromDateTime(DateTime.UtcNow.AddDays(-1)) },
                    Approval = new ExchangeV1.ApprovalPolicy { Mode = ExchangeV1.ApprovalMode.Auto },
                },
            },
        })).Offer;
        await member.Offers.PublishOfferAsync(new ExchangeV1.PublishOfferRequest { Id = offer.Id });
        var initiative = (await member.Initiatives.CreateInitiativeAsync(new InitiativeV1.CreateInitiativeRequest
        {
            Initiative = new InitiativeV1.Initiative
            {
                Kind = InitiativeV1.InitiativeKind.JointInitiative,
                Titles = { new CommonV1.LocalizedText { Language = "en", Text = "Bench Initiative for Media Dialogue", Original = true } },
                Charter = { new CommonV1.LocalizedText { Language = "en", Text = "We exchange stories as equals.", Original = true } },
                ProposerIds = { organization.Id },
            },
        })).Initiative;
        return new MemberFixture(organization.Id, key.ApiKey.Id, key.Secret, offer.Id, initiative.Id);
    }

    /// <summary>Cold processes on one shared core can miss the gateway's 3 s key look-up deadline: asks until the coordinator's key resolves.</summary>
    private static async Task WaitUntilServingAsync(MediaMeshClient coordinator)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await coordinator.Organizations.ListOrganizationsAsync(new OrgV1.ListOrganizationsRequest { PageSize = 1 });
                return;
            }
            catch (MediaMeshException) when (waited.Elapsed < TimeSpan.FromSeconds(90))
            {
                await Task.Delay(500);
            }
        }
    }

    /// <summary>An id of the same shape as a real one that names no organisation.</summary>
    public string UnknownOrganizationId() =>
        Guid.TryParse(OrganizationId, out _)
            ? Guid.NewGuid().ToString()
            : OrganizationId[..^4] + (OrganizationId[^4..] == "0000" ? "1111" : "0000");
}
