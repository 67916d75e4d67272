extern alias gateway;
using System.IO.Pipelines;
using gateway::MediaMesh.Gateway.Errors;

namespace MediaMesh.Gateway.Tests;

/// <summary>The stream the gateway hands YARP for an HTTP/1.1 body, without a server: a pipe plays the connection.</summary>
public sealed class DrainableRequestBodyStreamTests
{
    [Fact]
    public async Task A_read_cancelled_while_it_waits_leaves_the_connection_read_for_the_drain_to_continue()
    {
        var connection = new Pipe();
        await using var body = new DrainableRequestBodyStream(connection.Reader.AsStream());

        await connection.Writer.WriteAsync(new byte[] { 1, 2, 3 });
        var buffer = new byte[16];
        Assert.Equal(3, await body.ReadAsync(buffer));
        Assert.Equal([1, 2, 3], buffer[..3]);

        // The proxy's next read waits for bytes that have not come, and is cancelled (the backend answered).
        using var proxyGivesUp = new CancellationTokenSource();
        var proxyRead = body.ReadAsync(buffer, proxyGivesUp.Token).AsTask();
        await proxyGivesUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => proxyRead);

        var drain = body.DrainAsync(CancellationToken.None);
        Assert.False(drain.IsCompleted);
        await connection.Writer.WriteAsync(new byte[100_000]);
        await connection.Writer.WriteAsync(new byte[100_000]);
        await connection.Writer.CompleteAsync();

        await drain.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(body.Ended);
    }

    [Fact]
    public async Task A_read_still_waiting_when_the_drain_takes_over_gets_nothing()
    {
        var connection = new Pipe();
        await using var body = new DrainableRequestBodyStream(connection.Reader.AsStream());

        var abandoned = body.ReadAsync(new byte[16]).AsTask();
        var drain = body.DrainAsync(CancellationToken.None);
        await connection.Writer.WriteAsync(new byte[] { 9, 9 });
        await connection.Writer.CompleteAsync();

        await drain.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, await abandoned.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(body.Ended);
    }

    [Fact]
    public async Task A_drain_stops_at_its_time_limit_while_the_caller_sends_nothing()
    {
        var connection = new Pipe();
        await using var body = new DrainableRequestBodyStream(connection.Reader.AsStream());
        using var limit = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => body.DrainAsync(limit.Token));
        Assert.False(body.Ended);
    }

    [Fact]
    public async Task Reads_pass_the_body_through_whole_and_in_order()
    {
        var payload = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray();
        await using var body = new DrainableRequestBodyStream(new MemoryStream(payload));
        using var copy = new MemoryStream();

        await body.CopyToAsync(copy, 4096);

        Assert.Equal(payload, copy.ToArray());
        Assert.True(body.Ended);
    }
}
