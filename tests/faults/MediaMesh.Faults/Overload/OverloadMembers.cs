using Google.Protobuf.WellKnownTypes;
using MediaMesh.Bench.Support;
using MediaMesh.Client;
using CommonV1 = MediaMesh.Contracts.Common.V1;
using ExchangeV1 = MediaMesh.Contracts.Exchange.V1;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Faults.Overload;

/// <summary>A member organisation with an API key and a published offer, made through the public API (so every read finds a row).</summary>
public sealed record OverloadMember(string Name, string OrganizationId, string ApiKey, string OfferId)
{
    /// <summary>Registers <paramref name="count"/> active organisations, each with a key and a published offer, as the stack's coordinator.</summary>
    public static async Task<IReadOnlyList<OverloadMember>> CreateAsync(BenchStack stack, int count, CancellationToken ct, string namePrefix = "Overload Broadcaster")
    {
        var gateway = new Uri($"http://127.0.0.1:{stack.GatewayPort}");
        using var coordinator = MediaMeshClient.Create(new MediaMeshClientOptions { GatewayAddress = gateway, ApiKey = stack.CoordinatorApiKey });
        await WaitUntilServingAsync(coordinator, ct);
        var members = new List<OverloadMember>();
        for (var i = 0; i < count; i++)
        {
            var name = $"{namePrefix} {i + 1}";
            var organization = (await coordinator.Organizations.CreateOrganizationAsync(new OrgV1.CreateOrganizationRequest
            {
                Organization = new OrgV1.Organization
                {
                    Kind = OrgV1.OrganizationKind.Broadcaster,
                    Names = { new CommonV1.LocalizedText { Language = "en", Text = name, Original = true } },
                    CountryCode = "KE",
                    WorkingLanguages = { "en" },
                },
            }, cancellationToken: ct)).Organization;
            await coordinator.Organizations.ActivateOrganizationAsync(new OrgV1.ActivateOrganizationRequest { Id = organization.Id }, cancellationToken: ct);
            var key = await coordinator.Organizations.CreateApiKeyAsync(
                new OrgV1.CreateApiKeyRequest { OrganizationId = organization.Id, DisplayName = "overload" }, cancellationToken: ct);

            using var member = MediaMeshClient.Create(new MediaMeshClientOptions { GatewayAddress = gateway, ApiKey = key.Secret });
            var offer = (await member.Offers.CreateOfferAsync(new ExchangeV1.CreateOfferRequest
            {
                Offer = new ExchangeV1.Offer
                {
                    Type = ExchangeV1.OfferType.NewsVideo,
                    Headlines = { new CommonV1.LocalizedText { Language = "en", Text = $"Floods in the Rift Valley, report {i + 1}", Original = true } },
                    Slugline = $"OVERLOAD-FLOODS-{i + 1}",
                    AudioLanguages = { "sw" },
                    Rights = new ExchangeV1.Rights
                    {
                        PermittedUses = { ExchangeV1.UsageKind.Broadcast, ExchangeV1.UsageKind.Online },
                        LicenceWindow = new CommonV1.TimeInterval { StartTime = Timestamp.FromDateTime(DateTime.UtcNow.AddDays(-1)) },
                        Approval = new ExchangeV1.ApprovalPolicy { Mode = ExchangeV1.ApprovalMode.Auto },
                    },
                },
            }, cancellationToken: ct)).Offer;
            await member.Offers.PublishOfferAsync(new ExchangeV1.PublishOfferRequest { Id = offer.Id }, cancellationToken: ct);
            members.Add(new OverloadMember(name, organization.Id, key.Secret, offer.Id));
        }

        return members;
    }

    /// <summary>Cold processes on one shared core can miss the gateway's key look-up deadline: asks until the coordinator's key resolves.</summary>
    private static async Task WaitUntilServingAsync(MediaMeshClient coordinator, CancellationToken ct)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await coordinator.Organizations.ListOrganizationsAsync(new OrgV1.ListOrganizationsRequest { PageSize = 1 }, cancellationToken: ct);
                return;
            }
            catch (MediaMeshException) when (waited.Elapsed < TimeSpan.FromSeconds(90))
            {
                await Task.Delay(500, ct);
            }
        }
    }
}
