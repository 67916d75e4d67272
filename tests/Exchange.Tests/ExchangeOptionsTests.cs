using Microsoft.Extensions.Options;

namespace MediaMesh.Exchange.Tests;

/// <summary>The exchange's own settings (MediaMesh:Exchange): what cannot work is refused at start, naming the setting.</summary>
public sealed class ExchangeOptionsTests
{
    [Fact]
    public void The_defaults_can_be_used() => Assert.Null(new ExchangeOptions().Problem());

    [Fact]
    public void A_subscriber_backlog_as_large_as_the_window_can_be_used() =>
        Assert.Null(new ExchangeOptions { FeedWindowEvents = 8, FeedSubscriberBacklog = 8 }.Problem());

    [Fact]
    public void A_subscriber_backlog_smaller_than_the_feed_window_is_refused_naming_both_settings()
    {
        var problem = new ExchangeOptions { FeedWindowEvents = 20_000, FeedSubscriberBacklog = 10_000 }.Problem();

        Assert.NotNull(problem);
        Assert.Contains("MediaMesh:Exchange:FeedSubscriberBacklog (10000)", problem, StringComparison.Ordinal);
        Assert.Contains("MediaMesh:Exchange:FeedWindowEvents (20000)", problem, StringComparison.Ordinal);
    }

    public static TheoryData<string, ExchangeOptions> Unusable => new()
    {
        { "FeedHeartbeatInterval", new ExchangeOptions { FeedHeartbeatInterval = TimeSpan.Zero } },
        { "FeedPollInterval", new ExchangeOptions { FeedPollInterval = TimeSpan.FromSeconds(-1) } },
        { "StandingRecheckInterval", new ExchangeOptions { StandingRecheckInterval = TimeSpan.Zero } },
        { "UploadLease", new ExchangeOptions { UploadLease = TimeSpan.Zero } },
        { "StandingRecheckGrace", new ExchangeOptions { StandingRecheckGrace = TimeSpan.FromSeconds(-1) } },
        { "FeedWindowEvents", new ExchangeOptions { FeedWindowEvents = 0 } },
        { "DownloadRecheckChunks", new ExchangeOptions { DownloadRecheckChunks = -1 } },
    };

    [Theory]
    [MemberData(nameof(Unusable))]
    public void Unusable_settings_are_refused_naming_the_setting(string setting, ExchangeOptions options) =>
        Assert.Contains($"MediaMesh:Exchange:{setting}", options.Problem(), StringComparison.Ordinal);

    [Fact]
    public void An_exchange_whose_subscriber_backlog_is_smaller_than_its_feed_window_fails_at_start()
    {
        using var host = new ExchangeHost(organization: null);
        host.WithSetting("MediaMesh:Exchange:FeedWindowEvents", "20000");
        var failure = Assert.ThrowsAny<Exception>(() => host.CreateClient());
        while (failure is AggregateException { InnerException: { } inner })
        {
            failure = inner;
        }

        var validation = Assert.IsType<OptionsValidationException>(failure);
        Assert.Contains("MediaMesh:Exchange:FeedSubscriberBacklog", validation.Message, StringComparison.Ordinal);
    }
}
