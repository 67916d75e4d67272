using System.Diagnostics;
using System.Net.Http;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using ExchangeV1 = MediaMesh.Contracts.Exchange.V1;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Faults.Overload;

/// <summary>What one call of the mix ended with, as its caller saw it.</summary>
public readonly record struct CallOutcome(int Member, StatusCode Code, bool HasRetryInfo, long StartedAt, double LatencyMs);

/// <summary>
/// The representative unary mix, in turn: GetOrganization (organization service), GetOffer and
/// SearchOffers (exchange), each member calling with its own key over its own channel. The channels
/// have no retry policy (unlike the SDK): every refusal is seen as it was sent. Every call has a deadline.
/// </summary>
public sealed class UnaryMix : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);
    private readonly GrpcChannel[] _channels;
    private readonly OrgV1.OrganizationService.OrganizationServiceClient[] _organizations;
    private readonly ExchangeV1.OfferService.OfferServiceClient[] _offers;
    private readonly ExchangeV1.CatalogueService.CatalogueServiceClient[] _catalogues;
    private readonly Metadata[] _keys;
    private int _turn;

    public UnaryMix(int gatewayPort, IReadOnlyList<OverloadMember> members)
    {
        Members = members;
        _channels = [.. members.Select(_ => GrpcChannel.ForAddress($"http://127.0.0.1:{gatewayPort}", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, UseProxy = false },
        }))];
        _organizations = [.. _channels.Select(c => new OrgV1.OrganizationService.OrganizationServiceClient(c))];
        _offers = [.. _channels.Select(c => new ExchangeV1.OfferService.OfferServiceClient(c))];
        _catalogues = [.. _channels.Select(c => new ExchangeV1.CatalogueService.CatalogueServiceClient(c))];
        _keys = [.. members.Select(m => new Metadata { { "authorization", "Bearer " + m.ApiKey } })];
    }

    public IReadOnlyList<OverloadMember> Members { get; }

    /// <summary>One call of the mix (the next kind in turn) as member <paramref name="member"/>.</summary>
    public async Task<CallOutcome> CallAsync(int member, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var options = new CallOptions(_keys[member], DateTime.UtcNow + Deadline, ct);
        var who = Members[member];
        try
        {
            switch ((uint)Interlocked.Increment(ref _turn) % 3)
            {
                case 0:
                    await _organizations[member].GetOrganizationAsync(new OrgV1.GetOrganizationRequest { Id = who.OrganizationId }, options);
                    break;
                case 1:
                    await _offers[member].GetOfferAsync(new ExchangeV1.GetOfferRequest { Id = who.OfferId }, options);
                    break;
                default:
                    await _catalogues[member].SearchOffersAsync(new ExchangeV1.SearchOffersRequest { Text = "floods", PageSize = 10 }, options);
                    break;
            }

            return new CallOutcome(member, StatusCode.OK, false, started, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (RpcException e)
        {
            var retryInfo = e.GetRpcStatus()?.GetDetail<RetryInfo>() is not null;
            return new CallOutcome(member, e.StatusCode, retryInfo, started, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }
}
