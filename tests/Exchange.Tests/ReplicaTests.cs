using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Exchange.Tests;

/// <summary>Two exchange replicas on one PostgreSQL database, as a platform team scales the service out.</summary>
[Collection("exchange")]
public sealed class ReplicaTests(ExchangeFixture f)
{
    [Fact]
    public async Task A_subscriber_on_one_replica_hears_an_offer_published_on_another_at_once_through_the_databases_notification()
    {
        var database = await TestPostgres.CreateDatabaseAsync();
        try
        {
            await using var writer = new ExchangeHost(f.Organization, f.Initiative);
            writer.UsePostgres(database);
            // Neither a poll nor a heartbeat comes within the test's patience: only LISTEN/NOTIFY can wake the reader.
            await using var reader = new ExchangeHost(f.Organization, f.Initiative);
            reader.UsePostgres(database)
                .WithSetting("MediaMesh:Exchange:FeedPollInterval", "01:00:00")
                .WithSetting("MediaMesh:Exchange:FeedHeartbeatInterval", "01:00:00");

            var subject = ExchangeFixture.UniqueSubject();
            var earlier = await ExchangeFixture.PublishAsync(writer, f.Kenya, ExchangeFixture.NewOffer(subject));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            using var feed = reader.Catalogue(f.India).SubscribeFeed(
                new V1.SubscribeFeedRequest { FromBeginning = true, Filter = new V1.FeedFilter { Subjects = { subject } } }, cancellationToken: timeout.Token);
            Assert.True(await feed.ResponseStream.MoveNext(timeout.Token));
            Assert.Equal(earlier.Id, feed.ResponseStream.Current.Event.Offer.Id);

            var published = await ExchangeFixture.PublishAsync(writer, f.Ghana, ExchangeFixture.NewOffer(subject));
            Assert.True(await feed.ResponseStream.MoveNext(timeout.Token));
            Assert.Equal(V1.SubscribeFeedResponse.ItemOneofCase.Event, feed.ResponseStream.Current.ItemCase);
            Assert.Equal(published.Id, feed.ResponseStream.Current.Event.Offer.Id);
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(database);
        }
    }
}
