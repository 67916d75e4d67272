using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Google.Protobuf;
using MediaMesh.Bench.Support;
using ExchangeV1 = MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Faults.Fuzzing;

/// <summary>
/// Abuse of the HTTP/2 connection itself, written frame by frame on a raw socket (no client library
/// would do it): streams far beyond SETTINGS_MAX_CONCURRENT_STREAMS, a rapid-reset flood (HEADERS then
/// RST_STREAM at once, CVE-2023-44487), and clients that open feeds and large answers and never read.
/// After each, a well-behaved call must still succeed, no process may have died and the gateway's
/// memory must stay bounded.
/// </summary>
public sealed class Http2Abuse
{
    private static readonly string[] Processes = ["gateway", "organization", "initiative", "exchange"];

    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    private Http2Abuse(string summary, IReadOnlyList<(string Label, bool Passed, string Evidence)> checks)
    {
        Summary = summary;
        Checks = checks;
    }

    public string Summary { get; }

    public IReadOnlyList<(string Label, bool Passed, string Evidence)> Checks { get; }

    public static async Task<Http2Abuse> RunAsync(BenchStack stack, string apiKey, string offerId, int resets, CancellationToken ct)
    {
        var gateway = stack.Processes["gateway"].Id;
        var checks = new List<(string, bool, string)>();
        var rssBefore = ProcessMeter.Memory(gateway).Rss;
        var getOffer = new ExchangeV1.GetOfferRequest { Id = offerId }.ToByteArray();
        var search = new ExchangeV1.SearchOffersRequest { PageSize = 100 }.ToByteArray();
        var feed = new ExchangeV1.SubscribeFeedRequest().ToByteArray();

        // 1. 1,000 streams opened at once on one connection (the gateway allows 100).
        const int FloodStreams = 1000;
        using (var flood = await RawConnection.OpenAsync(stack.GatewayPort, initialWindow: 65_535, ct))
        {
            for (var i = 0; i < FloodStreams; i++)
            {
                flood.Call(1 + (2 * i), "/mediamesh.exchange.v1.OfferService/GetOffer", apiKey, stack.GatewayPort, getOffer);
            }

            await flood.FlushAsync(ct);
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
        }

        checks.Add(await StillServesAsync(stack, apiKey, getOffer, $"after {FloodStreams:N0} streams opened at once on one connection"));

        // 2. Rapid reset: HEADERS then RST_STREAM(CANCEL), again and again.
        var watch = Stopwatch.StartNew();
        using (var reset = await RawConnection.OpenAsync(stack.GatewayPort, initialWindow: 65_535, ct))
        {
            try
            {
                for (var i = 0; i < resets; i++)
                {
                    var stream = 1 + (2 * i);
                    reset.Call(stream, "/mediamesh.exchange.v1.CatalogueService/SearchOffers", apiKey, stack.GatewayPort, search);
                    reset.Reset(stream);
                    if (i % 100 == 99)
                    {
                        await reset.FlushAsync(ct);
                    }
                }

                await reset.FlushAsync(ct);
            }
            catch (IOException)
            {
                // The gateway may close a connection that floods it (GOAWAY, then the socket): that is a fine answer.
            }

            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }

        checks.Add(await StillServesAsync(stack, apiKey, getOffer, $"after a rapid-reset flood of {resets:N0} streams ({watch.Elapsed.TotalSeconds:0.0} s)"));

        // 3. Clients that never read: feeds and 100-offer searches with a receive window of 0, held open.
        const int Idlers = 20;
        var idlers = new List<RawConnection>();
        try
        {
            for (var c = 0; c < Idlers; c++)
            {
                var idle = await RawConnection.OpenAsync(stack.GatewayPort, initialWindow: 0, ct);
                idlers.Add(idle);
                for (var s = 0; s < 40; s++)
                {
                    var (path, body) = s % 4 == 0
                        ? ("/mediamesh.exchange.v1.CatalogueService/SubscribeFeed", feed)
                        : ("/mediamesh.exchange.v1.CatalogueService/SearchOffers", search);
                    idle.Call(1 + (2 * s), path, apiKey, stack.GatewayPort, body);
                }

                await idle.FlushAsync(ct);
            }

            await Task.Delay(TimeSpan.FromSeconds(6), ct);
            var rssHeld = ProcessMeter.Memory(gateway).Rss;
            checks.Add(await StillServesAsync(stack, apiKey, getOffer, $"while {Idlers} connections × 40 streams (feeds and 100-offer searches) never read"));
            checks.Add(("HTTP/2 abuse: the gateway's memory stays bounded while clients never read (≤ +100 MiB)", rssHeld - rssBefore <= 100L * 1024 * 1024,
                $"gateway RSS {rssBefore / 1048576} MiB before the abuse, {rssHeld / 1048576} MiB with the idle readers holding"));
        }
        finally
        {
            foreach (var idle in idlers)
            {
                idle.Dispose();
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(1), ct);
        checks.Add(await StillServesAsync(stack, apiKey, getOffer, "after the idle readers went away"));
        var dead = Processes.Where(p => stack.Processes[p].HasExited).ToList();
        checks.Add(("HTTP/2 abuse: no process died", dead.Count == 0, dead.Count == 0 ? "all four running" : "exited: " + string.Join(", ", dead)));
        return new Http2Abuse(
            $"Abused the HTTP/2 connection on raw sockets: {FloodStreams:N0} streams opened at once on one connection; a rapid-reset flood of {resets:N0} "
            + $"HEADERS + RST_STREAM pairs; {Idlers} connections with a receive window of 0 holding 40 streams each (feeds and 100-offer searches) for 6 s; "
            + "after each a well-behaved GetOffer on a new connection.",
            checks);
    }

    private static async Task<(string, bool, string)> StillServesAsync(BenchStack stack, string apiKey, byte[] getOffer, string when)
    {
        using var caller = new RawCaller(stack.GatewayPort, stack.GatewayWebPort);
        var call = await caller.GrpcAsync(new FuzzCall(FuzzTransport.Grpc, "OfferService/GetOffer", "well-behaved"),
            "/mediamesh.exchange.v1.OfferService/GetOffer", WireMutator.Frame(getOffer, Framing.Normal), apiKey, HeaderMutation.None, Framing.Normal,
            serverStreams: false, CancellationToken.None);
        return ($"HTTP/2 abuse: a well-behaved call succeeds {when}", call.GrpcStatus == 0, $"GetOffer → {call.Outcome}");
    }

    /// <summary>A client HTTP/2 connection written by hand: frames are buffered and sent on flush; nothing is read unless the caller reads.</summary>
    private sealed class RawConnection : IDisposable
    {
        private readonly TcpClient _tcp;
        private readonly NetworkStream _stream;
        private readonly MemoryStream _pending = new();

        private RawConnection(TcpClient tcp)
        {
            _tcp = tcp;
            _stream = tcp.GetStream();
        }

        public static async Task<RawConnection> OpenAsync(int port, int initialWindow, CancellationToken ct)
        {
            var tcp = new TcpClient { NoDelay = true };
            await tcp.ConnectAsync("127.0.0.1", port, ct);
            var connection = new RawConnection(tcp);
            connection._pending.Write(Preface);
            // SETTINGS: INITIAL_WINDOW_SIZE (0x4).
            var settings = new byte[6];
            BinaryPrimitives.WriteUInt16BigEndian(settings, 0x4);
            BinaryPrimitives.WriteUInt32BigEndian(settings.AsSpan(2), (uint)initialWindow);
            connection.Frame(type: 0x4, flags: 0, stream: 0, settings);
            await connection.FlushAsync(ct);
            return connection;
        }

        /// <summary>HEADERS (HPACK literals, no Huffman) and one DATA frame with the gRPC message, ending the stream.</summary>
        public void Call(int stream, string path, string apiKey, int port, byte[] message)
        {
            var block = new MemoryStream();
            Literal(block, ":method", "POST");
            Literal(block, ":scheme", "http");
            Literal(block, ":path", path);
            Literal(block, ":authority", $"127.0.0.1:{port}");
            Literal(block, "content-type", "application/grpc");
            Literal(block, "te", "trailers");
            Literal(block, "authorization", "Bearer " + apiKey);
            Frame(type: 0x1, flags: 0x4, stream, block.ToArray());
            Frame(type: 0x0, flags: 0x1, stream, WireMutator.Frame(message, Framing.Normal));
        }

        /// <summary>RST_STREAM with CANCEL (0x8).</summary>
        public void Reset(int stream)
        {
            var code = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(code, 0x8);
            Frame(type: 0x3, flags: 0, stream, code);
        }

        public async Task FlushAsync(CancellationToken ct)
        {
            var bytes = _pending.ToArray();
            _pending.SetLength(0);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(TimeSpan.FromSeconds(10));
            try
            {
                await _stream.WriteAsync(bytes, limit.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // The gateway stopped reading this connection (it may, for a flood): leave it.
            }
        }

        private void Frame(byte type, byte flags, int stream, byte[] payload)
        {
            Span<byte> header = stackalloc byte[9];
            header[0] = (byte)(payload.Length >> 16);
            header[1] = (byte)(payload.Length >> 8);
            header[2] = (byte)payload.Length;
            header[3] = type;
            header[4] = flags;
            BinaryPrimitives.WriteInt32BigEndian(header[5..], stream);
            _pending.Write(header);
            _pending.Write(payload);
        }

        private static void Literal(MemoryStream block, string name, string value)
        {
            block.WriteByte(0x00);
            Length(block, Encoding.ASCII.GetByteCount(name));
            block.Write(Encoding.ASCII.GetBytes(name));
            Length(block, Encoding.ASCII.GetByteCount(value));
            block.Write(Encoding.ASCII.GetBytes(value));
        }

        /// <summary>An HPACK integer with a 7-bit prefix (the Huffman bit clear).</summary>
        private static void Length(MemoryStream block, int value)
        {
            if (value < 127)
            {
                block.WriteByte((byte)value);
                return;
            }

            block.WriteByte(127);
            value -= 127;
            while (value >= 128)
            {
                block.WriteByte((byte)((value & 0x7F) | 0x80));
                value >>= 7;
            }

            block.WriteByte((byte)value);
        }

        public void Dispose()
        {
            _stream.Dispose();
            _tcp.Dispose();
            _pending.Dispose();
        }
    }
}
