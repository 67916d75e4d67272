using System.Globalization;
using System.Runtime.CompilerServices;
using MediaMesh.Common.Errors;
using MediaMesh.Exchange.Persistence;
using MediaMesh.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace MediaMesh.Exchange.Application;

/// <summary>
/// One upload at a time per rendition, across replicas sharing the database: an upload takes the
/// rendition's lease with a conditional UPDATE (no holder, or the holder's lease ran out), renews it
/// while chunks arrive and releases it at the end. A stalled upload stops renewing, so after the
/// lease duration a resumed one takes over; the stalled one, if it wakes, finds the lease gone and
/// stops before it writes a byte or the row. A caller that finds the lease held is refused with
/// FAILED_PRECONDITION ("UPLOAD_IN_PROGRESS") and touches nothing.
/// </summary>
/// <remarks>
/// <para>A lease names its holder: its token is <c>replica/incarnation/upload</c> (<see cref="ServiceInstance"/>).
/// When a replica's process dies (kill -9, out of memory, a crashed container) in the middle of an upload,
/// its lease would block the member's resume until it ran out. The restarted process of the same replica
/// knows that lease's holder is gone — one process at a time is a given replica, and it is now that
/// process — so it takes such a lease over at once. A lease of any other replica is never taken early,
/// since this replica cannot tell whether that one is alive; the refusal then says (RetryInfo) when it
/// runs out. Taking a predecessor's lease over is as safe as taking a stalled one: the store's newest
/// appender owns the object, and the old holder, were it alive, would find its lease gone and stop.</para>
/// The lease is renewed every third of its duration (checked as each chunk arrives), so a holder that
/// still writes always has at least two thirds of the duration left: nobody can take over in between.
/// Times come from each replica's clock; replicas' clocks must agree to well within the duration.
/// </remarks>
public sealed class UploadLease
{
    private readonly ExchangeDbContext _db;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _duration;
    private long _renewed;

    private UploadLease(ExchangeDbContext db, string renditionId, string token, TimeSpan duration, TimeProvider clock)
    {
        _db = db;
        RenditionId = renditionId;
        Token = token;
        _duration = duration;
        _clock = clock;
        _renewed = clock.GetTimestamp();
    }

    public string RenditionId { get; }

    public string Token { get; }

    private DateTime Now => _clock.GetUtcNow().UtcDateTime;

    /// <summary>
    /// Takes the lease of <paramref name="renditionId"/> if nobody holds it, its holder's lease ran out, or its
    /// holder was an earlier process of this replica; FAILED_PRECONDITION (with when to retry) otherwise.
    /// </summary>
    public static async Task<UploadLease> TakeAsync(ExchangeDbContext db, string renditionId, TimeSpan duration, TimeProvider clock,
        ServiceInstance instance, CancellationToken ct)
    {
        var replica = instance.Name + "/";
        var current = replica + instance.Incarnation + "/";
        var token = current + Guid.NewGuid().ToString("N");
        var now = clock.GetUtcNow().UtcDateTime;
        var until = now + duration;
        var taken = await db.Renditions
            .Where(r => r.Id == renditionId && (r.UploadLeaseToken == null || r.UploadLeaseExpireTime == null || r.UploadLeaseExpireTime <= now
                || (r.UploadLeaseToken.StartsWith(replica) && !r.UploadLeaseToken.StartsWith(current))))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.UploadLeaseToken, token).SetProperty(r => r.UploadLeaseExpireTime, until), ct);
        if (taken == 0)
        {
            var held = await db.Renditions.AsNoTracking().Where(r => r.Id == renditionId).Select(r => r.UploadLeaseExpireTime).SingleOrDefaultAsync(ct);
            var retry = held is { } end ? end.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "a moment";
            // Not before the lease can have run out, and never a busy loop.
            var wait = held is { } expiry && expiry > now ? expiry - now : TimeSpan.Zero;
            throw new PreconditionFailedException(
                $"Another upload of rendition '{renditionId}' is in progress; retry after {retry} (if that upload stalled, its lease ends then).",
                "UPLOAD_IN_PROGRESS", renditionId, wait + TimeSpan.FromMilliseconds(250));
        }

        return new UploadLease(db, renditionId, token, duration, clock);
    }

    /// <summary>Extends the lease if this upload still holds it; false if another upload took it over.</summary>
    public async Task<bool> RenewAsync(CancellationToken ct)
    {
        var until = Now + _duration;
        var token = Token;
        var renewed = await _db.Renditions
            .Where(r => r.Id == RenditionId && r.UploadLeaseToken == token)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.UploadLeaseExpireTime, until), ct);
        _renewed = _clock.GetTimestamp();
        return renewed == 1;
    }

    /// <summary>The chunks, renewing the lease as they arrive; FAILED_PRECONDITION once another upload has taken it over.</summary>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> Guard(IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var chunk in chunks.WithCancellation(ct))
        {
            if (_clock.GetElapsedTime(_renewed) >= _duration / 3 && !await RenewAsync(ct))
            {
                throw TakenOver();
            }

            yield return chunk;
        }
    }

    public PreconditionFailedException TakenOver() => new(
        $"This upload of rendition '{RenditionId}' stalled past its lease and another upload took over; resume from the offset GetRendition reports.",
        "UPLOAD_TAKEN_OVER", RenditionId);

    /// <summary>Gives the lease up if this upload still holds it.</summary>
    public async Task ReleaseAsync()
    {
        var token = Token;
        await _db.Renditions
            .Where(r => r.Id == RenditionId && r.UploadLeaseToken == token)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.UploadLeaseToken, (string?)null).SetProperty(r => r.UploadLeaseExpireTime, (DateTime?)null), CancellationToken.None);
    }
}
