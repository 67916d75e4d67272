using System.Diagnostics;
using Grpc.Core;
using MediaMesh.Common.Paging;
using MediaMesh.Exchange.Application;
using CatalogueSearch = MediaMesh.Exchange.Application.Catalogue;
using MediaMesh.Exchange.Persistence;
using MediaMesh.ServiceDefaults.Identity;
using Microsoft.EntityFrameworkCore;
using InitiativeV1 = MediaMesh.Contracts.Initiative.V1;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Catalogue.Bench;

/// <summary>Latencies of one query and what one execution sent to SQLite.</summary>
internal sealed record QueryResult(
    BenchQuery Query, double MedianMs, double P95Ms, double MinMs, int Runs, int RowsReturned, int PagesWalked,
    IReadOnlyList<CapturedCommand> Commands);

/// <summary>
/// Runs searches the way the gRPC service does: a fresh scoped DbContext per call, the service's own
/// Catalogue and OfferWorkflow, the page request parsed from page size 0 (the default 50) and the
/// previous page's token.
/// </summary>
internal sealed class SearchRunner(DbContextOptions<ExchangeDbContext> options, SqlCapture capture, CallerIdentity caller)
{
    public async Task<QueryResult> MeasureAsync(BenchQuery query, int warmups, int runs)
    {
        for (var i = 0; i < warmups; i++)
        {
            await RunOnceAsync(query);
        }

        capture.Clear();
        capture.Recording = true;
        var (rows, pages) = await RunOnceAsync(query);
        capture.Recording = false;
        var commands = capture.Commands.ToArray();

        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await RunOnceAsync(query);
            times[i] = watch.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        return new QueryResult(query, Percentile(times, 0.5), Percentile(times, 0.95), times[0], runs, rows, pages, commands);
    }

    /// <summary>One search (or a walk of <see cref="BenchQuery.Pages"/> pages); returns rows and pages seen.</summary>
    private async Task<(int Rows, int Pages)> RunOnceAsync(BenchQuery query)
    {
        var token = string.Empty;
        var rows = 0;
        var pages = 0;
        while (pages < query.Pages)
        {
            await using var db = new ExchangeDbContext(options);
            var clock = TimeProvider.System;
            var catalogue = new CatalogueSearch(db, clock,
                new OfferWorkflow(db, clock, new MemberDirectory(new OrgV1.OrganizationService.OrganizationServiceClient(NoCalls.Invoker)),
                    new InitiativeLinks(new InitiativeV1.InitiativeService.InitiativeServiceClient(NoCalls.Invoker)), new FeedNotifier()));
            var page = PageRequest.Parse(0, token, query.Query.Fingerprint);
            var result = await catalogue.SearchAsync(caller, query.Query, page, CancellationToken.None);
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
