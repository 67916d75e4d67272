using MediaMesh.Organizations;
using MediaMesh.Organizations.Application;
using MediaMesh.Organizations.Grpc;
using MediaMesh.Organizations.Persistence;
using MediaMesh.ServiceDefaults;
using MediaMesh.ServiceDefaults.Persistence;

var builder = WebApplication.CreateBuilder(args);
builder.AddMediaMeshGrpcService("organization");
builder.AddMediaMeshDatabase<OrganizationDbContext, PostgresOrganizationDbContext>("organization");
builder.Services.AddScoped<OrganizationDirectory>();
builder.Services.AddScoped<CoordinatorBootstrap>();

var app = builder.Build();
if (DatabaseMigration.IsCommand(args))
{
    return await app.RunCommandAsync<OrganizationDbContext>(Console.Out);
}

await app.MigrateDatabaseAsync<OrganizationDbContext>();
if (BootstrapCommand.IsRequested(args))
{
    return await BootstrapCommand.RunAsync(app.Services, args, Console.Out);
}

app.UseMediaMeshGrpcPipeline();
app.MapGrpcService<OrganizationGrpcService>();
app.MapGrpcService<CredentialGrpcService>();
app.MapGrpcInfrastructure();
app.MapDefaultEndpoints();
await app.RunAsync();
return 0;

/// <summary>Entry point; public so in-process tests can host the service.</summary>
public partial class Program;
