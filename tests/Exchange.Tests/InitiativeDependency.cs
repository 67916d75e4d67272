using Google.Protobuf.WellKnownTypes;
using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using InitiativeV1 = MediaMesh.Contracts.Initiative.V1;
using OrgV1 = MediaMesh.Contracts.Organization.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;

namespace MediaMesh.Exchange.Tests;

/// <summary>The real initiative service in-process, itself calling the in-process organization service.</summary>
public sealed class InitiativeDependency : ServiceHost<MediaMesh.Initiatives.Grpc.InitiativeGrpcService>
{
    private readonly OrganizationDependency _organization;

    public InitiativeDependency(OrganizationDependency organization)
    {
        _organization = organization;
        WithSetting("MediaMesh:Services:organization:Address", "http://localhost");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services
            .AddGrpcClient<OrgV1.OrganizationService.OrganizationServiceClient>()
            .ConfigurePrimaryHttpMessageHandler(() => _organization.Server.CreateHandler()));
    }

    private InitiativeV1.InitiativeService.InitiativeServiceClient ClientAs(string organizationId) => new(As(organizationId, CallerRoles.Member));

    /// <summary>An initiative proposed by <paramref name="proposerId"/>, open for signature.</summary>
    public async Task<string> CreateOpenAsync(string proposerId)
    {
        var created = await ClientAs(proposerId).CreateInitiativeAsync(new InitiativeV1.CreateInitiativeRequest
        {
            Initiative = new InitiativeV1.Initiative
            {
                Kind = InitiativeV1.InitiativeKind.JointInitiative,
                Titles = { new CommonV1.LocalizedText { Language = "en", Text = "Voices of the South", Original = true } },
                Charter = { new CommonV1.LocalizedText { Language = "en", Text = "Members exchange one story a week.", Original = true } },
                Objectives = { new InitiativeV1.Objective { Text = { new CommonV1.LocalizedText { Language = "en", Text = "Exchange 500 stories", Original = true } } } },
                ProposerIds = { proposerId },
                TargetRegions = { CommonV1.Region.Africa },
                StartTime = Timestamp.FromDateTime(new DateTime(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc)),
                EndTime = Timestamp.FromDateTime(new DateTime(2027, 12, 31, 0, 0, 0, DateTimeKind.Utc)),
            },
        });
        await ClientAs(proposerId).OpenInitiativeAsync(new InitiativeV1.OpenInitiativeRequest { Id = created.Initiative.Id });
        return created.Initiative.Id;
    }

    public async Task SignAsync(string initiativeId, string organizationId) =>
        await ClientAs(organizationId).SignInitiativeAsync(new InitiativeV1.SignInitiativeRequest
        {
            InitiativeId = initiativeId, SignerName = "A. Director", SignerTitle = "Director-General",
        });
}
