using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using MediaMesh.TestSupport;
using CommonV1 = MediaMesh.Contracts.Common.V1;
using IniV1 = MediaMesh.Contracts.Initiative.V1;

namespace MediaMesh.Gateway.Tests;

[Collection(nameof(MeshCollection))]
public sealed class InitiativeThroughGatewayTests(Mesh mesh)
{
    private IniV1.InitiativeService.InitiativeServiceClient Client(Member member) => new(mesh.Gateway.Grpc(member.ApiKey));

    private async Task<IniV1.Initiative> OpenInitiativeAsync(Member proposer)
    {
        var created = await Client(proposer).CreateInitiativeAsync(new IniV1.CreateInitiativeRequest
        {
            Initiative = new IniV1.Initiative
            {
                Kind = IniV1.InitiativeKind.JointInitiative,
                Titles = { new CommonV1.LocalizedText { Language = "en", Text = "Voices of the South", Original = true } },
                Charter = { new CommonV1.LocalizedText { Language = "en", Text = "One story a week on climate adaptation.", Original = true } },
                ProposerIds = { proposer.OrganizationId },
                StartTime = Timestamp.FromDateTime(new DateTime(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc)),
                EndTime = Timestamp.FromDateTime(new DateTime(2027, 12, 31, 0, 0, 0, DateTimeKind.Utc)),
            },
        });
        return (await Client(proposer).OpenInitiativeAsync(new IniV1.OpenInitiativeRequest { Id = created.Initiative.Id })).Initiative;
    }

    [Fact]
    public async Task Members_propose_and_sign_an_initiative_through_the_gateway()
    {
        var proposer = await mesh.CreateMemberAsync("Radio Proposer", "ZA");
        var signer = await mesh.CreateMemberAsync("TV Signer", "VN");
        var open = await OpenInitiativeAsync(proposer);

        var signature = (await Client(signer).SignInitiativeAsync(new IniV1.SignInitiativeRequest
        {
            InitiativeId = open.Id, SignerName = "A. Director", SignerTitle = "Director-General",
        })).Signature;

        Assert.Equal(signer.OrganizationId, signature.OrganizationId);
        Assert.Equal(CommonV1.Region.AsiaPacific, signature.Region);
        var stored = await Client(proposer).GetInitiativeAsync(new IniV1.GetInitiativeRequest { Id = open.Id });
        Assert.Equal(1, stored.Initiative.SignatoryCount);

        using var http = mesh.Gateway.Rest(signer.ApiKey);
        using var rest = await http.GetAsync($"/v1/initiatives/{open.Id}");
        Assert.Equal(HttpStatusCode.OK, rest.StatusCode);
        using var body = JsonDocument.Parse(await rest.Content.ReadAsStringAsync());
        Assert.Equal(open.Id, body.RootElement.GetProperty("initiative").GetProperty("id").GetString());
    }

    [Fact]
    public async Task The_initiative_service_refuses_calls_that_bypass_the_gateway()
    {
        using var direct = Grpc.Net.Client.GrpcChannel.ForAddress(mesh.Initiative.Address);
        var client = new IniV1.InitiativeService.InitiativeServiceClient(direct);

        await GrpcAssert.Refused(Grpc.Core.StatusCode.Unauthenticated, () => client.ListInitiativesAsync(new IniV1.ListInitiativesRequest()));
    }

    [Fact]
    public async Task Signing_through_the_gateway_is_one_trace_gateway_to_initiative_to_organization()
    {
        var proposer = await mesh.CreateMemberAsync("Radio Trace Proposer", "KE");
        var signer = await mesh.CreateMemberAsync("Radio Trace Signer", "AR");
        var open = await OpenInitiativeAsync(proposer);
        var all = await TraceTests.CaptureAsync(async () =>
            await Client(signer).SignInitiativeAsync(new IniV1.SignInitiativeRequest { InitiativeId = open.Id, SignerName = "B. Editor" }));
        var gatewaySpan = Assert.Single(all, s => s.Kind == ActivityKind.Server && TraceTests.Port(s) == mesh.Gateway.GrpcPort
            && TraceTests.Path(s) == "/mediamesh.initiative.v1.InitiativeService/SignInitiative");
        var trace = all.Where(s => s.TraceId == gatewaySpan.TraceId).ToList();
        var initiativeSpan = Assert.Single(trace, s => s.Kind == ActivityKind.Server && TraceTests.Port(s) == mesh.Initiative.Port);
        var organizationSpans = trace.Where(s => s.Kind == ActivityKind.Server && TraceTests.Port(s) == mesh.Organization.Port
            && TraceTests.Path(s)?.StartsWith("/mediamesh.organization.v1.OrganizationService/", StringComparison.Ordinal) == true).ToList();

        TraceTests.AssertDescendsFrom(initiativeSpan, gatewaySpan, trace);
        Assert.NotEmpty(organizationSpans);
        Assert.All(organizationSpans, s => TraceTests.AssertDescendsFrom(s, initiativeSpan, trace));
        Assert.All(trace.Where(s => s.Kind == ActivityKind.Server && s != gatewaySpan), s => TraceTests.AssertDescendsFrom(s, gatewaySpan, trace));
    }
}
