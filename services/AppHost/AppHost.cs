using System.Security.Cryptography;

// `-- --demo` (or MEDIAMESH_DEMO=1) also seeds the founding forum's demo data; never by default.
var demo = args.Contains("--demo") || Environment.GetEnvironmentVariable("MEDIAMESH_DEMO") is "1" or "true";
var builder = DistributedApplication.CreateBuilder(args.Where(a => a != "--demo").ToArray());

// Fresh internal-token key pairs per run (ECDSA P-256, README "Internal tokens"): each process gets
// only its own private key and the public keys of the issuers it hears from. The gateway alone signs
// member tokens; the initiative and exchange services sign only their own calls. Nothing secret is
// stored in the repository.
string[] issuers = ["gateway", "initiative", "exchange"];
var keys = issuers.ToDictionary(name => name, _ =>
{
    using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    return (Private: Convert.ToBase64String(key.ExportPkcs8PrivateKey()), Public: Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()));
});
var dataDirectory = builder.Configuration["MediaMesh:DataDirectory"]
    ?? Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "..", "data"));

IResourceBuilder<ProjectResource> Service<TProject>(string name, int port)
    where TProject : IProjectMetadata, new() =>
    builder.AddProject<TProject>(name)
        .WithHttpEndpoint(port: port, isProxied: false)
        .WithEnvironment("MediaMesh__DataDirectory", dataDirectory);

// Trusts every issuer's public key: a service token is still held to the callee's allowlist.
IResourceBuilder<T> Trusting<T>(IResourceBuilder<T> resource)
    where T : IResourceWithEnvironment
{
    foreach (var (name, pair) in keys)
    {
        resource.WithEnvironment($"MediaMesh__InternalToken__Issuers__{name}__PublicKey", pair.Public);
    }

    return resource;
}

IResourceBuilder<T> Signing<T>(IResourceBuilder<T> resource, string name)
    where T : IResourceWithEnvironment =>
    resource.WithEnvironment("MediaMesh__InternalToken__PrivateKey", keys[name].Private);

var organization = Trusting(Service<Projects.MediaMesh_Organization>("organization", 5101));

var initiative = Signing(Trusting(Service<Projects.MediaMesh_Initiative>("initiative", 5102)), "initiative")
    .WithReference(organization).WaitFor(organization);

var exchange = Signing(Trusting(Service<Projects.MediaMesh_Exchange>("exchange", 5103)), "exchange")
    .WithReference(organization).WaitFor(organization)
    .WithReference(initiative).WaitFor(initiative);

// The one public endpoint: gRPC (h2c) on 5100, REST / gRPC-Web / OpenAPI (HTTP/1.1) on 5180.
var gateway = Signing(builder.AddProject<Projects.MediaMesh_Gateway>("gateway"), "gateway")
    .WithHttpEndpoint(port: 5100, name: "grpc", isProxied: false)
    .WithHttpEndpoint(port: 5180, name: "web", isProxied: false)
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
        var bootstrap = Trusting(builder.AddProject<Projects.MediaMesh_Organization>("demo-bootstrap", launchProfileName: null))
            .WithArgs("bootstrap", "--name", "Demo Coordination Office", "--country", "CN", "--key-file", keyFile)
            .WithEnvironment("MediaMesh__DataDirectory", dataDirectory)
            .WaitFor(organization);
        seed.WaitForCompletion(bootstrap);
    }
}

builder.Build().Run();
