using System.Security.Cryptography;

var builder = DistributedApplication.CreateBuilder(args);

// A fresh key per run: services verify the internal tokens that the gateway (and tests) sign with it.
// Nothing secret is stored in the repository.
var signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
var dataDirectory = builder.Configuration["MediaMesh:DataDirectory"]
    ?? Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "..", "data"));

var organization = builder.AddProject<Projects.MediaMesh_Organization>("organization")
    .WithHttpEndpoint(port: 5101, isProxied: false)
    .WithEnvironment("MediaMesh__InternalToken__SigningKey", signingKey)
    .WithEnvironment("MediaMesh__DataDirectory", dataDirectory);

builder.Build().Run();
