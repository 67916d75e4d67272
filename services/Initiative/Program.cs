using MediaMesh.Contracts.Organization.V1;
using MediaMesh.Initiatives.Application;
using MediaMesh.Initiatives.Grpc;
using MediaMesh.Initiatives.Persistence;
using MediaMesh.ServiceDefaults;
using MediaMesh.ServiceDefaults.Grpc;
using MediaMesh.ServiceDefaults.Persistence;

var builder = WebApplication.CreateBuilder(args);
builder.AddMediaMeshGrpcService("initiative");
builder.AddMediaMeshDatabase<InitiativeDbContext, PostgresInitiativeDbContext>("initiative");
builder.AddMediaMeshGrpcClient<OrganizationService.OrganizationServiceClient>(
    "organization", "mediamesh.organization.v1.OrganizationService", "GetOrganization", "BatchGetOrganizations");
builder.Services.AddScoped<OrganizationDirectoryClient>();
builder.Services.AddScoped<InitiativeWorkflow>();
builder.Services.AddScoped<SignatureBook>();
builder.Services.AddScoped<ActivityPlanner>();

var app = builder.Build();
if (DatabaseMigration.IsCommand(args))
{
    return await app.RunCommandAsync<InitiativeDbContext>(Console.Out);
}

await app.MigrateDatabaseAsync<InitiativeDbContext>();

app.UseMediaMeshGrpcPipeline();
app.MapGrpcService<InitiativeGrpcService>();
app.MapGrpcInfrastructure();
app.MapDefaultEndpoints();
await app.RunAsync();
return 0;

/// <summary>Entry point; public so in-process tests can host the service.</summary>
public partial class Program;
