using System.Diagnostics;
using Grpc.Core;
using MediaMesh.Common.Paging;
using MediaMesh.Exchange.Application;
using CatalogueSearch = MediaMesh.Exchange.Application.Catalogue;
using MediaMesh.ServiceDefaults.Identity;
using InitiativeV1 = MediaMesh.Contracts.Initiative.V1;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Catalogue.Bench;

/// <summary>
/// Latencies of one query, per page (a 20-page walk gives 20 samples per run), and what one execution
/// sent to the database.
/// </summary>
internal sealed record QueryResult(
    BenchQuery Query, double MedianMs, double P95Ms, double P99Ms, double MinMs, double MaxMs, int Samples, double WalkMedianMs, double CpuMsPerPage,
    int RowsReturned, int PagesWalked, IReadOnlyList<CapturedCommand> Commands);

/// <summary>
/// Runs searches the way the gRPC service does: a fresh scoped DbContext per call, the service's own
/// Catalogue and OfferWorkflow, the page request parsed from page size 0 (the default 50) and the
/// previous page's token.
/// </summary>
internal sealed class SearchRunner(BenchDatabase database, CallerIdentity caller)
{
    private readonly SqlCapture _capture = database.Capture;

    public async Task<QueryResult> MeasureAsync(BenchQuery query, int warmups, int runs)
    {
        for (var i = 0; i < warmups; i++)
        {
            await RunOnceAsync(query, null);
        }

        _capture.Clear();
        _capture.Recording = true;
        var (rows, pages) = await RunOnceAsync(query, null);
        _capture.Recording = false;
        var commands = _capture.Commands.ToArray();

        var times = new List<double>();
        var walks = new double[runs];
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await RunOnceAsync(query, times);
            walks[i] = watch.Elapsed.TotalMilliseconds;
        }

        // The benchmark's own process: EF, materialisation and, on SQLite, the database engine (PostgreSQL's server CPU is not in it).
        var cpuPerPage = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / times.Count;
        var sorted = times.Order().ToArray();
        Array.Sort(walks);
        return new QueryResult(query, Percentile(sorted, 0.5), Percentile(sorted, 0.95), Percentile(sorted, 0.99), sorted[0], sorted[^1], sorted.Length,
            Percentile(walks, 0.5), cpuPerPage, rows, pages, commands);
    }

    /// <summary>One search (or a walk of <see cref="BenchQuery.Pages"/> pages); returns rows and pages seen.</summary>
    private async Task<(int Rows, int Pages)> RunOnceAsync(BenchQuery query, List<double>? pageTimes)
    {
        var token = string.Empty;
        var rows = 0;
        var pages = 0;
        while (pages < query.Pages)
        {
            var watch = Stopwatch.StartNew();
            await using var db = database.NewContext();
            var clock = TimeProvider.System;
            var catalogue = new CatalogueSearch(db, clock,
                new OfferWorkflow(db, clock, new MemberDirectory(new OrgV1.OrganizationService.OrganizationServiceClient(NoCalls.Invoker)),
                    new InitiativeLinks(new InitiativeV1.InitiativeService.InitiativeServiceClient(NoCalls.Invoker)), new FeedNotifier()));
            var page = PageRequest.Parse(0, token, query.Query.Fingerprint);
            var result = await catalogue.SearchAsync(caller, query.Query, page, CancellationToken.None);
            pageTimes?.Add(watch.Elapsed.TotalMilliseconds);
            rows += result.Items.Count;
            pages++;
            token = result.NextPageToken;
            if (string.IsNullOrEmpty(token))
            {
                break;
            }
        }

        return (rows, pages);
    }

    private static double Percentile(double[] sorted, double p)
    {
        var rank = p * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + ((sorted[high] - sorted[low]) * (rank - low));
    }

    /// <summary>Search must not call other services; if it ever did, the benchmark fails loudly.</summary>
    private sealed class NoCalls : CallInvoker
    {
        public static readonly NoCalls Invoker = new();

        public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            throw Refused(method);

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            throw Refused(method);

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            throw Refused(method);

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
            throw Refused(method);

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
            throw Refused(method);

        private static InvalidOperationException Refused(IMethod method) => new($"Catalogue search unexpectedly called {method.FullName}.");
    }
}
