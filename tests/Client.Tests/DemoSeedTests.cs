using System.Text.Json.Nodes;
using MediaMesh.Contracts.Exchange.V1;
using MediaMesh.Contracts.Initiative.V1;
using MediaMesh.Contracts.Organization.V1;
using MediaMesh.Gateway.Tests;

namespace MediaMesh.Client.Tests;

/// <summary>A mesh of its own: the demo fills the directory, which other tests' counts must not see.</summary>
public sealed class DemoMesh : Mesh;

/// <summary>The founding forum's demo data, seeded twice through the gateway with the CLI: the same data both times.</summary>
public sealed class DemoSeedTests : IClassFixture<DemoMesh>
{
    private readonly DemoMesh _mesh;

    public DemoSeedTests(DemoMesh mesh) => _mesh = mesh;

    [Fact]
    public async Task Seeding_twice_gives_the_same_realistic_data()
    {
        var gateway = $"http://127.0.0.1:{_mesh.Gateway.GrpcPort}";
        var cli = new CliRunner(gateway, _mesh.Coordinator.ApiKey);
        var state = Path.Combine(cli.Folder, "demo-state.json");

        var first = await cli.JsonAsync("demo", "seed", "--state-file", state);
        var snapshot = await SnapshotAsync();
        var second = await cli.JsonAsync("demo", "seed", "--state-file", state);

        Assert.Equal(0, second["created"]!.GetValue<int>());
        Assert.True(first["created"]!.GetValue<int>() > 1000);
        foreach (var field in new[] { "organizations", "signatures", "offers", "requests", "licences", "usageReports" })
        {
            Assert.Equal(first[field]!.GetValue<int>(), second[field]!.GetValue<int>());
        }

        Assert.Equal(snapshot, await SnapshotAsync());

        // Realistic: ~87 organisations from 60+ countries, the Joint Initiative open with most signed, hundreds of offers.
        using var coordinator = MediaMeshClient.Create(new MediaMeshClientOptions { GatewayAddress = new Uri(gateway), ApiKey = _mesh.Coordinator.ApiKey });
        var orgs = await coordinator.Organizations.ListAllAsync(new ListOrganizationsRequest { Text = "Demo", PageSize = 200 }).ToListAsync();
        Assert.InRange(orgs.Count, 85, 90);
        Assert.True(orgs.Select(o => o.CountryCode).Distinct().Count() >= 60);
        Assert.All(orgs, o => Assert.Contains("Demo", o.Names[0].Text, StringComparison.Ordinal));
        Assert.Equal(4, orgs.Count(o => o.Kind == OrganizationKind.BroadcastingUnion));
        var joint = Assert.Single(await coordinator.Initiatives.ListAllAsync(new ListInitiativesRequest { Kind = InitiativeKind.JointInitiative }).ToListAsync());
        Assert.Equal(InitiativeState.OpenForSignature, joint.State);
        Assert.True(joint.SignatoryCount > orgs.Count * 3 / 4, $"{joint.SignatoryCount} of {orgs.Count} signed");
        var screening = Assert.Single(await coordinator.Initiatives.ListAllAsync(new ListInitiativesRequest { Kind = InitiativeKind.ScreeningProgramme }).ToListAsync());
        var places = await coordinator.Initiatives.ListAllAsync(new ListActivitiesRequest { InitiativeId = screening.Id }).Select(a => a.Place.Region).ToHashSetAsync();
        Assert.Contains(Contracts.Common.V1.Region.CentralAsia, places);
        Assert.Contains(Contracts.Common.V1.Region.Europe, places);
        Assert.Contains(Contracts.Common.V1.Region.LatinAmericaCaribbean, places);
        Assert.True(first["offers"]!.GetValue<int>() >= 300);
        Assert.True(first["licences"]!.GetValue<int>() >= 100);
        Assert.True(first["usageReports"]!.GetValue<int>() >= 100);
        var languages = await coordinator.Catalogue.SearchAllAsync(new SearchOffersRequest { PageSize = 200 })
            .SelectMany(o => o.AudioLanguages.ToAsyncEnumerable()).ToHashSetAsync();
        Assert.True(languages.Count >= 10, string.Join(",", languages));
        var flow = await coordinator.Usage.GetFlowMatrixAsync(new GetFlowMatrixRequest { Grouping = StatisticsGrouping.Region });
        Assert.True(flow.Cells.Count >= 15);
        Directory.Delete(cli.Folder, true);
    }

    /// <summary>What a member sees of the mechanism: directory, initiatives, statistics, catalogue size.</summary>
    private async Task<string> SnapshotAsync()
    {
        var gateway = $"http://127.0.0.1:{_mesh.Gateway.GrpcPort}";
        var cli = new CliRunner(gateway, _mesh.Coordinator.ApiKey);
        var parts = new JsonObject
        {
            ["orgs"] = await cli.JsonAsync("orgs", "list", "--limit", "500"),
            ["initiatives"] = await cli.JsonAsync("initiatives", "list"),
            ["stats"] = await cli.JsonAsync("stats", "--by", "organization"),
            ["flow"] = await cli.JsonAsync("stats", "flow", "--by", "union"),
            ["reciprocity"] = await cli.JsonAsync("stats", "reciprocity"),
            ["catalogue"] = (await cli.JsonAsync("catalog", "search", "--show-unavailable", "--limit", "1000")).AsArray().Count,
        };
        // Update times move when nothing changes only if something was written: keep them in the comparison.
        return parts.ToJsonString();
    }
}
