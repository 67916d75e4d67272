using System.Security.Cryptography;

// `-- --demo` (or MEDIAMESH_DEMO=1) also seeds the founding forum's demo data; never by default.
var demo = args.Contains("--demo") || Environment.GetEnvironmentVariable("MEDIAMESH_DEMO") is "1" or "true";
var builder = DistributedApplication.CreateBuilder(args.Where(a => a != "--demo").ToArray());

// A fresh key per run: services verify the internal tokens that the gateway (and tests) sign with it.
// Nothing secret is stored in the repository.
var signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
var dataDirectory = builder.Configuration["MediaMesh:DataDirectory"]
    ?? Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "..", "data"));

IResourceBuilder<ProjectResource> Service<TProject>(string name, int port)
    where TProject : IProjectMetadata, new() =>
    builder.AddProject<TProject>(name)
        .WithHttpEndpoint(port: port, isProxied: false)
        .WithEnvironment("MediaMesh__InternalToken__SigningKey", signingKey)
        .WithEnvironment("MediaMesh__DataDirectory", dataDirectory);

var organization = Service<Projects.MediaMesh_Organization>("organization", 5101);

var initiative = Service<Projects.MediaMesh_Initiative>("initiative", 5102)
    .WithReference(organization).WaitFor(organization);

var exchange = Service<Projects.MediaMesh_Exchange>("exchange", 5103)
    .WithReference(organization).WaitFor(organization)
    .WithReference(initiative).WaitFor(initiative);

// The one public endpoint: gRPC (h2c) on 5100, REST / gRPC-Web / OpenAPI (HTTP/1.1) on 5180.
var gateway = builder.AddProject<Projects.MediaMesh_Gateway>("gateway")
    .WithHttpEndpoint(port: 5100, name: "grpc", isProxied: false)
    .WithHttpEndpoint(port: 5180, name: "web", isProxied: false)
    .WithEnvironment("MediaMesh__InternalToken__SigningKey", signingKey)
    .WithReference(organization).WaitFor(organization)
    .WithReference(initiative).WaitFor(initiative)
    .WithReference(exchange).WaitFor(exchange);

if (demo)
{
    // The demo goes through the public API as a member would: a coordinator key from the documented
    // bootstrap (once per data folder, kept owner-only beside the data), then `mediamesh demo seed`.
    var demoFolder = Path.Combine(dataDirectory, "demo");
    var keyFile = Path.Combine(demoFolder, "coordinator.key");
    var seed = builder.AddProject<Projects.MediaMesh_Cli>("demo-seed", launchProfileName: null)
        .WithArgs("demo", "seed", "--gateway", "http://localhost:5100", "--coordinator-key-file", keyFile,
            "--state-file", Path.Combine(demoFolder, "seed-state.json"), "--wait-seconds", "120")
        .WaitFor(gateway);
    if (!File.Exists(keyFile))
    {
        var bootstrap = builder.AddProject<Projects.MediaMesh_Organization>("demo-bootstrap", launchProfileName: null)
            .WithArgs("bootstrap", "--name", "Demo Coordination Office", "--country", "CN", "--key-file", keyFile)
            .WithEnvironment("MediaMesh__InternalToken__SigningKey", signingKey)
            .WithEnvironment("MediaMesh__DataDirectory", dataDirectory)
            .WaitFor(organization);
        seed.WaitForCompletion(bootstrap);
    }
}

builder.Build().Run();
