using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using MediaMesh.ServiceDefaults.Identity;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MediaMesh.TestSupport;

/// <summary>
/// One MediaMesh service hosted in-process on the ASP.NET Core test server, with its own temporary
/// data folder (SQLite files, media), its own internal-token key and the run's public keys
/// (<see cref="TestKeys"/>; never the gateway's private key). On PostgreSQL
/// (<see cref="UsePostgres"/>, or every host when <c>MEDIAMESH_TEST_DATABASE=postgres</c>) it gets a
/// fresh database of its own on the run's server. Dispose deletes the data.
/// </summary>
public class ServiceHost<TProgram> : WebApplicationFactory<TProgram>
    where TProgram : class
{
    private readonly Dictionary<string, string?> _settings = new(StringComparer.OrdinalIgnoreCase);

    public ServiceHost()
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "mediamesh-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDirectory);
        _settings["MediaMesh:DataDirectory"] = DataDirectory;
        foreach (var (key, value) in TestKeys.SettingsFor(Name))
        {
            _settings[key] = value;
        }

        if (TestPostgres.EveryHost)
        {
            UsePostgres();
        }
    }

    public string DataDirectory { get; }

    /// <summary>The service's issuer name ("organization", "exchange", ...), from its assembly.</summary>
    public string Name { get; } = TestKeys.NameOf(typeof(TProgram));

    /// <summary>The PostgreSQL database of this host, when it runs on PostgreSQL.</summary>
    public string? PostgresConnectionString { get; private set; }

    /// <summary>Runs this host on a new PostgreSQL database (skips the test when no server can be had).</summary>
    public ServiceHost<TProgram> UsePostgres()
    {
        if (PostgresConnectionString is null)
        {
            PostgresConnectionString = TestPostgres.CreateDatabaseAsync().GetAwaiter().GetResult();
            _ownsDatabase = true;
            ConnectTo(PostgresConnectionString);
        }

        return this;
    }

    /// <summary>Runs this host on the given PostgreSQL database, e.g. as a second replica of another host (the database is not dropped).</summary>
    public ServiceHost<TProgram> UsePostgres(string connectionString)
    {
        if (_ownsDatabase && PostgresConnectionString is { } own)
        {
            TestPostgres.DropDatabaseAsync(own).GetAwaiter().GetResult();
        }

        _ownsDatabase = false;
        PostgresConnectionString = connectionString;
        ConnectTo(connectionString);
        return this;
    }

    private bool _ownsDatabase;

    private void ConnectTo(string connectionString)
    {
        _settings["MediaMesh:Database:Provider"] = "Postgres";
        foreach (var service in new[] { "organization", "initiative", "exchange" })
        {
            _settings[$"ConnectionStrings:{service}"] = connectionString;
        }
    }

    /// <summary>Sets a configuration value before the host starts.</summary>
    public ServiceHost<TProgram> WithSetting(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>A channel over the in-memory test server; calls carry no identity.</summary>
    public GrpcChannel CreateChannel() =>
        GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Server.CreateHandler() });

    /// <summary>
    /// A call invoker acting as <paramref name="organizationId"/> with <paramref name="role"/>, and with the API key
    /// <paramref name="apiKeyId"/> in the token as the gateway puts it there (none by default).
    /// </summary>
    public CallInvoker As(string organizationId, string role = CallerRoles.Member, string? apiKeyId = null) =>
        CreateChannel().CreateCallInvoker().Intercept(headers =>
        {
            headers.Add("authorization", "Bearer " + IssueToken(organizationId, role, apiKeyId));
            return headers;
        });

    /// <summary>A call invoker carrying <paramref name="token"/> as it is.</summary>
    public CallInvoker WithToken(string token) =>
        CreateChannel().CreateCallInvoker().Intercept(headers =>
        {
            headers.Add("authorization", "Bearer " + token);
            return headers;
        });

    /// <summary>A call invoker acting as the service <paramref name="caller"/> on its own behalf (its service token for this host).</summary>
    public CallInvoker AsService(string caller) => WithToken(TestKeys.Signer(caller).IssueServiceToken(Name));

    /// <summary>A call invoker with no token at all (a call that bypassed the gateway).</summary>
    public CallInvoker Anonymous() => CreateChannel().CreateCallInvoker();

    /// <summary>A member token signed with the gateway's key, as the gateway would after resolving an API key.</summary>
    public string IssueToken(string organizationId, string role, string? apiKeyId = null) => TestKeys.Gateway.Issue(organizationId, role, apiKeyId);

    /// <summary>Resolves a service from a new scope (e.g. the DbContext, to look at what was stored).</summary>
    public T WithScope<T>(Func<IServiceProvider, T> use)
    {
        using var scope = Services.CreateScope();
        return use(scope.ServiceProvider);
    }

    /// <summary>Like <see cref="WithScope{T}"/> for async work: the scope lives until the task completes.</summary>
    public async Task<T> WithScopeAsync<T>(Func<IServiceProvider, Task<T>> use)
    {
        await using var scope = Services.CreateAsyncScope();
        return await use(scope.ServiceProvider);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            if (_ownsDatabase && PostgresConnectionString is { } database)
            {
                TestPostgres.DropDatabaseAsync(database).GetAwaiter().GetResult();
            }

            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // SQLite may still hold a pooled handle for a moment; the temp folder is cleaned by the OS.
            }
        }
    }
}
