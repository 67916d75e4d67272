using MediaMesh.Gateway;
using MediaMesh.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("gateway");
builder.AddMediaMeshGateway();

var app = builder.Build();
app.UseMediaMeshGateway();
app.MapDefaultEndpoints();
await app.RunAsync();

/// <summary>Entry point; public so in-process tests can host the gateway.</summary>
public partial class Program;
