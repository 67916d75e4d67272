using System.Globalization;

namespace MediaMesh.Feed.Bench;

/// <summary>Command line: --subscribers 2000 --members 20 --connections 40 --offers 100 --rate 5 --idle-seconds 30 --base-port 6500.</summary>
internal sealed record FeedBenchOptions(int Subscribers, int Members, int Connections, int Offers, double Rate, int IdleSeconds, int BasePort)
{
    public static FeedBenchOptions Parse(string[] args)
    {
        string? Value(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }

        int Int(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

        var subscribers = Int("--subscribers", 2000);
        return new FeedBenchOptions(
            subscribers,
            Int("--members", 20),
            // ≤ 50 streams per HTTP/2 connection: well under Kestrel's default of 100 per connection.
            Int("--connections", Math.Max(1, (subscribers + 49) / 50)),
            Int("--offers", 100),
            Value("--rate") is { } r ? double.Parse(r, CultureInfo.InvariantCulture) : 5,
            Int("--idle-seconds", 30),
            Int("--base-port", 6500));
    }

    public string CommandLine =>
        $"dotnet run -c Release --project bench/Feed.Bench -- --subscribers {Subscribers}";
}
