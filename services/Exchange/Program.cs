using MediaMesh.Exchange;
using MediaMesh.Exchange.Application;
using MediaMesh.Exchange.Grpc;
using MediaMesh.Exchange.Persistence;
using MediaMesh.MediaStore;
using MediaMesh.ServiceDefaults;
using MediaMesh.ServiceDefaults.Grpc;
using MediaMesh.ServiceDefaults.Persistence;
using Microsoft.Extensions.Options;
using InitiativeV1 = MediaMesh.Contracts.Initiative.V1;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

var builder = WebApplication.CreateBuilder(args);
builder.AddMediaMeshGrpcService("exchange");
builder.AddMediaMeshDatabase<ExchangeDbContext, PostgresExchangeDbContext>("exchange", postgres => postgres.AddHostedService<PostgresFeedListener>());
builder.AddMediaMeshGrpcClient<OrgV1.OrganizationService.OrganizationServiceClient>(
    "organization", "mediamesh.organization.v1.OrganizationService", "GetOrganization", "BatchGetOrganizations");
builder.AddMediaMeshGrpcClient<OrgV1.CredentialService.CredentialServiceClient>(
    "organization", "mediamesh.organization.v1.CredentialService", OutboundIdentity.Own, "GetCallerStanding");
builder.AddMediaMeshGrpcClient<InitiativeV1.InitiativeService.InitiativeServiceClient>(
    "initiative", "mediamesh.initiative.v1.InitiativeService", "GetInitiative", "ListSignatures");
builder.Services.AddOptions<ExchangeOptions>().Bind(builder.Configuration.GetSection(ExchangeOptions.Section)).ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<ExchangeOptions>, ExchangeOptionsValidator>();
builder.Services.AddMediaStore(builder.Configuration,
    Path.GetFullPath(builder.Configuration["MediaMesh:DataDirectory"] ?? "data", builder.Environment.ContentRootPath));
builder.Services.AddSingleton<FeedNotifier>();
builder.Services.AddSingleton<FeedLogReader>();
builder.Services.AddHostedService(services => services.GetRequiredService<FeedLogReader>());
builder.Services.AddSingleton<StandingWatch>();
builder.Services.AddScoped<MemberDirectory>();
builder.Services.AddScoped<CallerStandings>();
builder.Services.AddScoped<InitiativeLinks>();
builder.Services.AddScoped<OfferWorkflow>();
builder.Services.AddScoped<Licensing>();
builder.Services.AddScoped<Catalogue>();
builder.Services.AddScoped<OfferFeed>();
builder.Services.AddScoped<UsageLedger>();
builder.Services.AddScoped<MediaLibrary>();

var app = builder.Build();
if (DatabaseMigration.IsCommand(args))
{
    return await app.RunCommandAsync<ExchangeDbContext>(Console.Out);
}

await app.MigrateDatabaseAsync<ExchangeDbContext>();

app.UseMediaMeshGrpcPipeline();
app.MapGrpcService<OfferGrpcService>();
app.MapGrpcService<LicensingGrpcService>();
app.MapGrpcService<CatalogueGrpcService>();
app.MapGrpcService<UsageGrpcService>();
app.MapGrpcService<MediaGrpcService>();
app.MapGrpcService<AuditGrpcService>();
app.MapGrpcInfrastructure();
app.MapDefaultEndpoints();
await app.RunAsync();
return 0;

/// <summary>Entry point; public so in-process tests can host the service.</summary>
public partial class Program;
