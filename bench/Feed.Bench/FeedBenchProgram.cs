using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using MediaMesh.Bench.Support;
using CommonV1 = MediaMesh.Contracts.Common.V1;
using OrgV1 = MediaMesh.Contracts.Organization.V1;
using V1 = MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Feed.Bench;

/// <summary>
/// Feed fan-out through the gateway: N subscribers (spread over member organisations, API keys and
/// HTTP/2 connections) follow the feed while one member publishes offers at a steady rate; measures
/// publish → receive latency at every subscriber, what an idle period costs the database and the
/// organization service, and the gateway's and exchange's memory per subscriber.
/// </summary>
internal static class FeedBenchProgram
{
    private static readonly string[] Countries = ["KE", "GH", "NG", "ZA", "EG", "IN", "BR", "FR", "ID", "MX", "JP", "CA", "AR", "TR", "PK", "PH", "SN", "CO", "PE", "MA"];

    public static async Task<int> Main(string[] args)
    {
        var options = FeedBenchOptions.Parse(args);
        // The load generator on core 0, the suite on core 1 (BenchStack pins its processes).
        if (OperatingSystem.IsLinux())
        {
            Process.GetCurrentProcess().ProcessorAffinity = 1;
        }
        var dbCommands = 0L;
        var standingCalls = 0L;
        Console.WriteLine($"starting the suite on ports {options.BasePort}+ ...");
        await using var stack = await BenchStack.StartAsync(new BenchStackOptions
        {
            BasePort = options.BasePort,
            Cores = "1",
            ProcessEnvironment = new Dictionary<string, IReadOnlyDictionary<string, string>>
            {
                // EF Core's own log of every command the exchange runs, and the organization service's request log: counted below.
                ["exchange"] = new Dictionary<string, string> { ["Logging__LogLevel__Microsoft.EntityFrameworkCore.Database.Command"] = "Information" },
                ["organization"] = new Dictionary<string, string> { ["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information" },
            },
        });
        stack.Processes["exchange"].LineWritten += line =>
        {
            if (line.Contains("Executed DbCommand", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref dbCommands);
            }
        };
        stack.Processes["organization"].LineWritten += line =>
        {
            if (line.Contains("Request starting", StringComparison.Ordinal) && line.Contains("/GetCallerStanding", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref standingCalls);
            }
        };

        var gateway = $"http://127.0.0.1:{stack.GatewayPort}";
        using var setupChannel = GrpcChannel.ForAddress(gateway);
        var coordinator = new OrgV1.OrganizationService.OrganizationServiceClient(setupChannel.Intercept(Bearer(stack.CoordinatorApiKey)));

        Console.WriteLine($"registering {options.Members} members and a publisher ...");
        var members = new List<(string Id, string Country, string Key)>();
        for (var i = 0; i < options.Members; i++)
        {
            var n = i;
            members.Add(await RetriedAsync(() => NewMemberAsync(coordinator, $"Bench Subscriber {n}", Countries[n % Countries.Length])));
        }

        var publisher = await RetriedAsync(() => NewMemberAsync(coordinator, "Bench Publisher", "KE"));
        var offers = new V1.OfferService.OfferServiceClient(setupChannel.Intercept(Bearer(publisher.Key)));

        await Task.Delay(TimeSpan.FromSeconds(3));
        var exchangePid = stack.Processes["exchange"].Id;
        var gatewayPid = stack.Processes["gateway"].Id;
        var rssBefore = (Exchange: ProcessMeter.Memory(exchangePid).Rss, Gateway: ProcessMeter.Memory(gatewayPid).Rss);

        // The subscriptions: member i % M, connection i % C (one HTTP/2 connection per channel, ≤ 100 streams each).
        var subject = "medtop:" + Random.Shared.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);
        var connections = Enumerable.Range(0, options.Connections).Select(_ => GrpcChannel.ForAddress(gateway, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = false, KeepAlivePingDelay = TimeSpan.FromSeconds(60) },
        })).ToArray();
        using var stop = new CancellationTokenSource();
        var received = new ConcurrentDictionary<string, ConcurrentBag<long>>(StringComparer.Ordinal);
        var counts = new int[options.Subscribers];
        var failures = new ConcurrentBag<string>();
        var firstEvent = new TaskCompletionSource[options.Subscribers];
        Console.WriteLine($"opening {options.Subscribers} subscriptions over {options.Connections} connections, 100 a second ...");
        var connectWatch = Stopwatch.StartNew();
        var subscribers = new List<Task>();
        for (var i = 0; i < options.Subscribers; i++)
        {
            // A ramp of 100 new subscriptions a second (each costs the exchange a member look-up at the organization service).
            if (i > 0 && i % 100 == 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }

            subscribers.Add(Subscribe(i));
        }

        Task Subscribe(int i)
        {
            firstEvent[i] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var member = members[i % members.Count];
            var client = new V1.CatalogueService.CatalogueServiceClient(connections[i % connections.Length].Intercept(Bearer(member.Key)));
            return Task.Run(async () =>
            {
                try
                {
                    using var call = client.SubscribeFeed(new V1.SubscribeFeedRequest { Filter = new V1.FeedFilter { Subjects = { subject } } }, cancellationToken: stop.Token);
                    while (await call.ResponseStream.MoveNext(stop.Token))
                    {
                        var now = Stopwatch.GetTimestamp();
                        if (call.ResponseStream.Current.ItemCase == V1.SubscribeFeedResponse.ItemOneofCase.Event)
                        {
                            received.GetOrAdd(call.ResponseStream.Current.Event.Offer.Id, _ => []).Add(now);
                            counts[i]++;
                            firstEvent[i].TrySetResult();
                        }
                    }
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && stop.IsCancellationRequested)
                {
                }
                catch (Exception e) when (!stop.IsCancellationRequested)
                {
                    failures.Add($"{e.GetType().Name}: {e.Message}");
                    firstEvent[i].TrySetResult();
                }
            });
        }

        // A warm-up offer every subscriber must receive: all subscriptions are live.
        var warmup = await PublishAsync(offers, subject, 0);
        var allLive = Task.WhenAll(firstEvent.Select(t => t.Task));
        while (!allLive.IsCompleted)
        {
            await Task.WhenAny(allLive, Task.Delay(TimeSpan.FromSeconds(5)));
            Console.WriteLine($"  {firstEvent.Count(t => t.Task.IsCompleted)}/{options.Subscribers} live after {connectWatch.Elapsed.TotalSeconds:0}s");
            if (connectWatch.Elapsed > TimeSpan.FromSeconds(120))
            {
                break;
            }

            if (!allLive.IsCompleted)
            {
                // Subscriptions that were not in when the warm-up was read get the next one.
                warmup = await PublishAsync(offers, subject, 0);
            }
        }

        var connectTime = connectWatch.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(3));
        var rssConnected = (Exchange: ProcessMeter.Memory(exchangePid).Rss, Gateway: ProcessMeter.Memory(gatewayPid).Rss);
        Array.Clear(counts);
        received.Clear();

        // Steady publishing: latency from the publish call's start (conservative) and from its acknowledgement.
        Console.WriteLine($"publishing {options.Offers} offers at {options.Rate}/s ...");
        var sent = new Dictionary<string, (long Start, long Ack)>(StringComparer.Ordinal);
        var interval = TimeSpan.FromSeconds(1.0 / options.Rate);
        var pace = Stopwatch.StartNew();
        for (var n = 0; n < options.Offers; n++)
        {
            var due = interval * n;
            if (pace.Elapsed < due)
            {
                await Task.Delay(due - pace.Elapsed);
            }

            var created = await offers.CreateOfferAsync(new V1.CreateOfferRequest { Offer = NewOffer(subject, n + 1) });
            var start = Stopwatch.GetTimestamp();
            await offers.PublishOfferAsync(new V1.PublishOfferRequest { Id = created.Offer.Id });
            sent[created.Offer.Id] = (start, Stopwatch.GetTimestamp());
        }

        var expected = (long)options.Offers * options.Subscribers;
        var drain = Stopwatch.StartNew();
        while (counts.Sum() < expected && drain.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
        }

        var delivered = counts.Sum();
        var fromStart = new List<double>();
        var fromAck = new List<double>();
        foreach (var (id, times) in sent)
        {
            foreach (var at in received.GetValueOrDefault(id) ?? [])
            {
                fromStart.Add(Stopwatch.GetElapsedTime(times.Start, at).TotalMilliseconds);
                fromAck.Add(Math.Max(0, Stopwatch.GetElapsedTime(times.Ack, at).TotalMilliseconds));
            }
        }

        // The idle period: subscribers connected, nothing published.
        Console.WriteLine($"idle for {options.IdleSeconds}s with {options.Subscribers} subscribers ...");
        await Task.Delay(TimeSpan.FromSeconds(2));
        var (commands0, standing0) = (Interlocked.Read(ref dbCommands), Interlocked.Read(ref standingCalls));
        var exchangeCpu0 = stack.Processes["exchange"].CpuTime();
        await Task.Delay(TimeSpan.FromSeconds(options.IdleSeconds));
        var idleCommands = Interlocked.Read(ref dbCommands) - commands0;
        var idleStanding = Interlocked.Read(ref standingCalls) - standing0;
        var idleExchangeCpu = stack.Processes["exchange"].CpuTime() - exchangeCpu0;
        var rssAfter = (Exchange: ProcessMeter.Memory(exchangePid).Rss, Gateway: ProcessMeter.Memory(gatewayPid).Rss);

        await stop.CancelAsync();
        await Task.WhenAll(subscribers).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var connection in connections)
        {
            connection.Dispose();
        }

        var result = new FeedBenchResult(options, Summary.Of(fromStart), Summary.Of(fromAck), delivered, expected, connectTime,
            rssBefore, rssConnected, rssAfter, idleCommands, idleStanding, idleExchangeCpu, [.. failures.Distinct().Take(5)], failures.Count);
        var path = FeedBenchReport.Write(result);
        Console.WriteLine($"p99 {result.FromStart.P99:0.0} ms, delivered {delivered}/{expected}, idle: {idleCommands} DB commands, {idleStanding} GetCallerStanding in {options.IdleSeconds}s; report: {path}");
        return 0;
    }

    private static Func<Metadata, Metadata> Bearer(string key) => headers =>
    {
        headers.Add("authorization", "Bearer " + key);
        return headers;
    };

    private static async Task<(string Id, string Country, string Key)> NewMemberAsync(OrgV1.OrganizationService.OrganizationServiceClient coordinator, string name, string country)
    {
        var created = await coordinator.CreateOrganizationAsync(new OrgV1.CreateOrganizationRequest
        {
            Organization = new OrgV1.Organization
            {
                Kind = OrgV1.OrganizationKind.Broadcaster,
                Names = { new CommonV1.LocalizedText { Language = "en", Text = name, Original = true } },
                CountryCode = country,
                WorkingLanguages = { "en" },
            },
        });
        var id = created.Organization.Id;
        await coordinator.ActivateOrganizationAsync(new OrgV1.ActivateOrganizationRequest { Id = id });
        var key = await coordinator.CreateApiKeyAsync(new OrgV1.CreateApiKeyRequest { OrganizationId = id, DisplayName = "feed bench" });
        return (id, country, key.Secret);
    }

    private static Task<string> PublishAsync(V1.OfferService.OfferServiceClient offers, string subject, int n) =>
        RetriedAsync(() => PublishOnceAsync(offers, subject, n));

    /// <summary>Set-up calls retried on UNAVAILABLE (a busy shared machine): at worst an extra organisation or offer, which the run ignores.</summary>
    private static async Task<T> RetriedAsync<T>(Func<Task<T>> call)
    {
        for (var attempt = 1; attempt < 5; attempt++)
        {
            try
            {
                return await call();
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }

        return await call();
    }

    private static async Task<string> PublishOnceAsync(V1.OfferService.OfferServiceClient offers, string subject, int n)
    {
        var created = await offers.CreateOfferAsync(new V1.CreateOfferRequest { Offer = NewOffer(subject, n) });
        await offers.PublishOfferAsync(new V1.PublishOfferRequest { Id = created.Offer.Id });
        return created.Offer.Id;
    }

    private static V1.Offer NewOffer(string subject, int n) => new()
    {
        Type = V1.OfferType.NewsVideo,
        Headlines = { new CommonV1.LocalizedText { Language = "en", Text = $"Floods in the Rift Valley, update {n}", Original = true } },
        Descriptions = { new V1.Description { Language = "en", Role = V1.DescriptionRole.Summary, Text = "Families leave their homes as the river rises." } },
        Slugline = "0421-FLOODS-KENYA/evacuation",
        AudioLanguages = { "sw" },
        SubtitleLanguages = { "en" },
        Subjects = { subject },
        Genres = { "current affairs" },
        Located = new CommonV1.Place { CountryCode = "KE", City = "Nakuru" },
        CopyrightHolder = "KBC",
        CreditLine = "KBC / MediaMesh",
        Duration = Duration.FromTimeSpan(TimeSpan.FromSeconds(95)),
        Rights = new V1.Rights { Approval = new V1.ApprovalPolicy { Mode = V1.ApprovalMode.Manual }, PermittedUses = { V1.UsageKind.Broadcast, V1.UsageKind.Online } },
    };
}
