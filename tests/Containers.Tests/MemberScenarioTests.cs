using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;
using CommonV1 = MediaMesh.Contracts.Common.V1;
using ExchangeV1 = MediaMesh.Contracts.Exchange.V1;
using InitiativeV1 = MediaMesh.Contracts.Initiative.V1;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Containers.Tests;

/// <summary>A member's day through the gateway container, every service in its own container on PostgreSQL.</summary>
[Collection("containers")]
public sealed partial class MemberScenarioTests(ContainerSuite suite)
{
    [Fact]
    public async Task A_coordinator_onboards_two_members_who_sign_offer_license_upload_and_download_through_the_gateway()
    {
        if (suite.Unavailable is { } reason)
        {
            Assert.Skip(reason);
        }

        try
        {
            await MemberDayAsync();
        }
        catch (Exception)
        {
            TestContext.Current.SendDiagnosticMessage(await suite.LogsAsync());
            Console.Error.WriteLine(await suite.LogsAsync());
            throw;
        }
    }

    private async Task MemberDayAsync()
    {

        // The first coordinator, created inside the organization container as an operator would.
        var bootstrap = await suite.Organization.ExecAsync(
            ["dotnet", "/app/MediaMesh.Organization.dll", "bootstrap", "--name", "Coordination Office", "--country", "CN"]);
        Assert.True(bootstrap.ExitCode == 0, bootstrap.Stdout + bootstrap.Stderr);
        var coordinatorKey = ApiKeyLine().Match(bootstrap.Stdout).Groups[1].Value;
        Assert.StartsWith("mmk_", coordinatorKey, StringComparison.Ordinal);

        // As members are told to: UNAVAILABLE (with RetryInfo) is retried, e.g. a first key check that a
        // cold organization container answers too slowly.
        using var channel = GrpcChannel.ForAddress(suite.GatewayAddress, new GrpcChannelOptions
        {
            ServiceConfig = new ServiceConfig
            {
                MethodConfigs =
                {
                    new MethodConfig
                    {
                        Names = { MethodName.Default },
                        RetryPolicy = new RetryPolicy
                        {
                            MaxAttempts = 5, InitialBackoff = TimeSpan.FromSeconds(1), MaxBackoff = TimeSpan.FromSeconds(5),
                            BackoffMultiplier = 2, RetryableStatusCodes = { StatusCode.Unavailable },
                        },
                    },
                },
            },
        });
        var health = new Health.HealthClient(channel);
        // The gateway reports SERVING once its active health checks have seen every backend cluster healthy.
        var status = HealthCheckResponse.Types.ServingStatus.Unknown;
        for (var deadline = DateTime.UtcNow.AddSeconds(60); status != HealthCheckResponse.Types.ServingStatus.Serving && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            status = (await health.CheckAsync(new HealthCheckRequest())).Status;
        }

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, status);

        var coordinator = new OrgV1.OrganizationService.OrganizationServiceClient(As(channel, coordinatorKey));
        var (kenya, kenyaKey) = await OnboardAsync(coordinator, "Kenya Broadcasting Corporation", "KE");
        var (brazil, brazilKey) = await OnboardAsync(coordinator, "Empresa Brasil de Comunicação", "BR");

        // Kenya proposes an initiative; Brazil signs it.
        var kenyaInitiatives = new InitiativeV1.InitiativeService.InitiativeServiceClient(As(channel, kenyaKey));
        var initiative = (await kenyaInitiatives.CreateInitiativeAsync(new InitiativeV1.CreateInitiativeRequest
        {
            Initiative = new InitiativeV1.Initiative
            {
                Kind = InitiativeV1.InitiativeKind.JointInitiative,
                Titles = { new CommonV1.LocalizedText { Language = "en", Text = "Joint Initiative for Media Dialogue", Original = true } },
                Charter = { new CommonV1.LocalizedText { Language = "en", Text = "We exchange stories as equals.", Original = true } },
                ProposerIds = { kenya },
            },
        })).Initiative;
        await kenyaInitiatives.OpenInitiativeAsync(new InitiativeV1.OpenInitiativeRequest { Id = initiative.Id });
        var signature = await new InitiativeV1.InitiativeService.InitiativeServiceClient(As(channel, brazilKey))
            .SignInitiativeAsync(new InitiativeV1.SignInitiativeRequest { InitiativeId = initiative.Id, SignerName = "A. Diretora", SignerTitle = "Presidente" });
        Assert.Equal(InitiativeV1.SignatureState.Signed, signature.Signature.State);

        // Kenya offers an item with a rendition; Brazil is licensed automatically and downloads it.
        var offers = new ExchangeV1.OfferService.OfferServiceClient(As(channel, kenyaKey));
        var created = (await offers.CreateOfferAsync(new ExchangeV1.CreateOfferRequest
        {
            Offer = new ExchangeV1.Offer
            {
                Type = ExchangeV1.OfferType.NewsVideo,
                Headlines = { new CommonV1.LocalizedText { Language = "en", Text = "Floods in the Rift Valley", Original = true } },
                Slugline = "0421-FLOODS-KENYA",
                AudioLanguages = { "sw" },
                Rights = new ExchangeV1.Rights
                {
                    PermittedUses = { ExchangeV1.UsageKind.Broadcast },
                    Approval = new ExchangeV1.ApprovalPolicy { Mode = ExchangeV1.ApprovalMode.Auto },
                },
            },
        })).Offer;
        var bytes = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        var media = new ExchangeV1.MediaService.MediaServiceClient(As(channel, kenyaKey));
        var rendition = (await media.CreateRenditionAsync(new ExchangeV1.CreateRenditionRequest
        {
            Rendition = new ExchangeV1.Rendition
            {
                OfferId = created.Id, Kind = ExchangeV1.RenditionKind.Proxy, FileName = "floods.mp4", MimeType = "video/mp4",
                SizeBytes = bytes.Length, Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            },
        })).Rendition;
        using (var upload = media.UploadRendition())
        {
            await upload.RequestStream.WriteAsync(new ExchangeV1.UploadRenditionRequest { Target = new ExchangeV1.UploadTarget { RenditionId = rendition.Id } });
            foreach (var chunk in bytes.Chunk(1024 * 1024))
            {
                await upload.RequestStream.WriteAsync(new ExchangeV1.UploadRenditionRequest { Data = ByteString.CopyFrom(chunk) });
            }

            await upload.RequestStream.CompleteAsync();
            Assert.Equal(ExchangeV1.RenditionState.Complete, (await upload.ResponseAsync).Rendition.State);
        }

        await offers.PublishOfferAsync(new ExchangeV1.PublishOfferRequest { Id = created.Id });
        var licensing = new ExchangeV1.LicensingService.LicensingServiceClient(As(channel, brazilKey));
        var asked = await licensing.RequestLicenceAsync(new ExchangeV1.RequestLicenceRequest
        {
            OfferId = created.Id,
            Uses = { ExchangeV1.UsageKind.Broadcast },
            Territories = { "BR" },
            Period = new CommonV1.TimeInterval { StartTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow.AddMinutes(-1)) },
        });
        Assert.Equal(ExchangeV1.LicenceState.Active, asked.Licence.State);

        using var download = new ExchangeV1.MediaService.MediaServiceClient(As(channel, brazilKey))
            .DownloadRendition(new ExchangeV1.DownloadRenditionRequest { Id = rendition.Id, ChunkSize = 1024 * 1024 });
        using var received = new MemoryStream();
        await foreach (var chunk in download.ResponseStream.ReadAllAsync())
        {
            Assert.Equal(received.Length, chunk.Offset);
            chunk.Data.WriteTo(received);
        }

        Assert.Equal(bytes, received.ToArray());

        // Refusals keep their codes through the gateway and the containers.
        var unknown = await Assert.ThrowsAsync<RpcException>(() => offers.GetOfferAsync(new ExchangeV1.GetOfferRequest { Id = "off_missing" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        var noKey = await Assert.ThrowsAsync<RpcException>(() =>
            new OrgV1.OrganizationService.OrganizationServiceClient(channel).GetOrganizationAsync(new OrgV1.GetOrganizationRequest { Id = kenya }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, noKey.StatusCode);
    }

    private static async Task<(string Id, string Key)> OnboardAsync(OrgV1.OrganizationService.OrganizationServiceClient coordinator, string name, string country)
    {
        var organization = (await coordinator.CreateOrganizationAsync(new OrgV1.CreateOrganizationRequest
        {
            Organization = new OrgV1.Organization
            {
                Kind = OrgV1.OrganizationKind.Broadcaster,
                Names = { new CommonV1.LocalizedText { Language = "en", Text = name, Original = true } },
                CountryCode = country,
                WorkingLanguages = { "en" },
            },
        })).Organization;
        await coordinator.ActivateOrganizationAsync(new OrgV1.ActivateOrganizationRequest { Id = organization.Id });
        var key = await coordinator.CreateApiKeyAsync(new OrgV1.CreateApiKeyRequest { OrganizationId = organization.Id, DisplayName = "newsroom" });
        return (organization.Id, key.Secret);
    }

    private static CallInvoker As(GrpcChannel channel, string key) => channel.CreateCallInvoker().Intercept(headers =>
    {
        headers.Add("authorization", "Bearer " + key);
        return headers;
    });

    [GeneratedRegex(@"api_key:\s*(mmk_\S+)")]
    private static partial Regex ApiKeyLine();
}
