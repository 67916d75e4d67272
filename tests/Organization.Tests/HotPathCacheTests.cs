using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.ServiceDefaults.Persistence;
using MediaMesh.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using V1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Organization.Tests;

/// <summary>
/// What the service remembers between calls to keep its hot path cheap (issue 11 target 1), and the
/// bounds on it: the database readiness answer for <see cref="DatabaseHealthCheck{TContext}.FreshFor"/>,
/// a verified internal token until its expiry.
/// </summary>
public sealed class HotPathCacheTests
{
    private static readonly TimeSpan NotServingBound = DatabaseHealthCheck<Organizations.Persistence.OrganizationDbContext>.FreshFor + DatabaseRegistration.HealthCheckTimeout;

    [Fact]
    public async Task A_database_that_goes_away_turns_readiness_not_serving_within_the_cache_period_and_the_timeout()
    {
        await using var host = new OrganizationHost();
        var file = Path.Combine(host.DataDirectory, "gone.db");
        host.WithSetting("MediaMesh:Database:Provider", "Sqlite").WithSetting("ConnectionStrings:organization", $"Data Source={file}");
        var health = new Health.HealthClient(host.Anonymous());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);

        File.Delete(file);
        var clock = Stopwatch.StartNew();
        var status = HealthCheckResponse.Types.ServingStatus.Serving;
        while (status == HealthCheckResponse.Types.ServingStatus.Serving && clock.Elapsed < NotServingBound + TimeSpan.FromSeconds(5))
        {
            await Task.Delay(50);
            status = (await health.CheckAsync(new HealthCheckRequest())).Status;
        }

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, status);
        Assert.True(clock.Elapsed <= NotServingBound + TimeSpan.FromMilliseconds(500), $"NOT_SERVING after {clock.Elapsed}, bound {NotServingBound}");
    }

    [Fact]
    public async Task Healthy_probes_within_the_cache_period_ask_the_database_at_most_once_per_period()
    {
        await using var host = new OrganizationHost();
        host.UsePostgres();
        var database = new NpgsqlConnectionStringBuilder(host.PostgresConnectionString).Database!;
        var health = new Health.HealthClient(host.Anonymous());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);

        // The database's own view of the service's work, through EF's diagnostics: every connection opened on this database.
        using var opened = new ConnectionOpenCounter(database);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);
        }

        var periods = (int)Math.Ceiling(clock.Elapsed / DatabaseHealthCheck<Organizations.Persistence.OrganizationDbContext>.FreshFor) + 1;
        Assert.InRange(opened.Count, 0, periods);
    }

    [Fact]
    public async Task A_verified_token_is_refused_from_its_expiry_on_though_the_service_remembers_it()
    {
        await using var host = new OrganizationHost();
        host.WithSetting("MediaMesh:InternalToken:ClockSkew", "00:00:00");
        var existing = await host.CreatePendingAsync(OrganizationHost.Unique("Radio Tanzania"), "TZ");
        var shortLived = TestKeys.SignerFor(InternalTokenNames.Gateway, TestKeys.PrivateKey(InternalTokenNames.Gateway), TimeProvider.System, TimeSpan.FromSeconds(2))
            .Issue(OrganizationHost.CoordinatorId, CallerRoles.Coordinator);
        var client = new V1.OrganizationService.OrganizationServiceClient(host.WithToken(shortLived));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(existing.Id, (await client.GetOrganizationAsync(new V1.GetOrganizationRequest { Id = existing.Id })).Organization.Id);
        }

        await Task.Delay(TimeSpan.FromSeconds(3.2));
        await GrpcAssert.Refused(StatusCode.Unauthenticated, () => client.GetOrganizationAsync(new V1.GetOrganizationRequest { Id = existing.Id }));
    }

    [Fact]
    public async Task A_token_that_differs_from_a_remembered_one_is_verified_on_its_own()
    {
        await using var host = new OrganizationHost();
        var existing = await host.CreatePendingAsync(OrganizationHost.Unique("Radio Uganda"), "UG");
        var good = host.IssueToken(OrganizationHost.CoordinatorId, CallerRoles.Coordinator);
        var client = new V1.OrganizationService.OrganizationServiceClient(host.WithToken(good));
        await client.GetOrganizationAsync(new V1.GetOrganizationRequest { Id = existing.Id });

        // Same claims, another key; and the remembered token with its signature altered.
        var (forgerKey, _) = TokenKeys.Generate();
        var forged = TestKeys.SignerFor(InternalTokenNames.Gateway, forgerKey, TimeProvider.System).Issue(OrganizationHost.CoordinatorId, CallerRoles.Coordinator);
        var tampered = good[..^2] + (good[^2] == 'A' ? "BA" : "AA");
        foreach (var token in new[] { forged, tampered })
        {
            var refused = new V1.OrganizationService.OrganizationServiceClient(host.WithToken(token));
            await GrpcAssert.Refused(StatusCode.Unauthenticated, () => refused.GetOrganizationAsync(new V1.GetOrganizationRequest { Id = existing.Id }));
        }

        Assert.Equal(existing.Id, (await client.GetOrganizationAsync(new V1.GetOrganizationRequest { Id = existing.Id })).Organization.Id);
    }

    /// <summary>Counts connections EF opens on one PostgreSQL database, in any host of this test process.</summary>
    private sealed class ConnectionOpenCounter : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly string _database;
        private readonly IDisposable _all;
        private readonly List<IDisposable> _listeners = [];
        private int _count;

        public ConnectionOpenCounter(string database)
        {
            _database = database;
            _all = DiagnosticListener.AllListeners.Subscribe(this);
        }

        public int Count => Volatile.Read(ref _count);

        public void OnNext(DiagnosticListener listener)
        {
            if (listener.Name == DbLoggerCategory.Name)
            {
                lock (_listeners)
                {
                    _listeners.Add(listener.Subscribe(this));
                }
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key == RelationalEventId.ConnectionOpening.Name && value.Value is ConnectionEventData data && data.Connection.Database == _database)
            {
                Interlocked.Increment(ref _count);
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose()
        {
            _all.Dispose();
            lock (_listeners)
            {
                _listeners.ForEach(l => l.Dispose());
            }
        }
    }
}
