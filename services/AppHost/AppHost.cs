using System.Security.Cryptography;

var builder = DistributedApplication.CreateBuilder(args);

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
builder.AddProject<Projects.MediaMesh_Gateway>("gateway")
    .WithHttpEndpoint(port: 5100, name: "grpc", isProxied: false)
    .WithHttpEndpoint(port: 5180, name: "web", isProxied: false)
    .WithEnvironment("MediaMesh__InternalToken__SigningKey", signingKey)
    .WithReference(organization).WaitFor(organization)
    .WithReference(initiative).WaitFor(initiative)
    .WithReference(exchange).WaitFor(exchange);

builder.Build().Run();
