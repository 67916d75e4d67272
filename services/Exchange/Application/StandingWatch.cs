using MediaMesh.Common.Errors;
using MediaMesh.Exchange.Domain;
using MediaMesh.ServiceDefaults.Identity;
using Microsoft.Extensions.Options;

namespace MediaMesh.Exchange.Application;

/// <summary>
/// The standing re-checks of long-running feeds, shared per caller (organisation, API key and role)
/// across all of that caller's streams on this instance: one GetCallerStanding per distinct caller every
/// <see cref="ExchangeOptions.StandingRecheckInterval"/>, however many feeds it has open, and none for a
/// caller with no open feed. Each stream is woken when its caller's standing changes and judges it
/// itself (<see cref="StandingPolicy"/>), so a revoked key, a suspended organisation or a removed
/// coordinator role ends every stream of the caller within one interval.
/// </summary>
/// <remarks>
/// A check that cannot reach the organization service is forgiven until
/// <see cref="ExchangeOptions.StandingRecheckGrace"/> has passed since the last one that succeeded (the
/// first stream's start counts as one); after that the caller's streams end with UNAVAILABLE.
/// </remarks>
public sealed class StandingWatch(IServiceScopeFactory scopes, TimeProvider clock, IOptions<ExchangeOptions> options, IHostApplicationLifetime lifetime)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<CallerIdentity, Watched> _watched = [];
    private readonly IServiceScopeFactory _scopes = scopes;
    private readonly TimeProvider _clock = clock;
    private readonly ExchangeOptions _settings = options.Value;

    /// <summary>Watches <paramref name="caller"/> for one stream; dispose when the stream ends. Null for a service identity (nothing to re-check).</summary>
    public Watch? Start(CallerIdentity caller)
    {
        if (caller.IsService)
        {
            return null;
        }

        lock (_lock)
        {
            if (!_watched.TryGetValue(caller, out var watched))
            {
                watched = new Watched(this, caller);
                _watched.Add(caller, watched);
                _ = watched.RunAsync(lifetime.ApplicationStopping);
            }

            watched.Streams++;
            return new Watch(this, watched);
        }
    }

    private void Stop(Watched watched)
    {
        lock (_lock)
        {
            watched.Streams--;
        }
    }

    /// <summary>Forgets <paramref name="watched"/> if no stream holds it any more; true if it was forgotten (its loop ends).</summary>
    private bool ForgetIfUnused(Watched watched)
    {
        lock (_lock)
        {
            if (watched.Streams > 0)
            {
                return false;
            }

            _watched.Remove(watched.Caller);
            return true;
        }
    }

    /// <summary>What the streams of one caller learn from the shared re-check.</summary>
    public sealed class Watch : IDisposable
    {
        private readonly StandingWatch _owner;
        private readonly Watched _watched;
        private int _disposed;

        internal Watch(StandingWatch owner, Watched watched)
        {
            _owner = owner;
            _watched = watched;
        }

        /// <summary>
        /// The caller's standing as last answered (at most one interval old), or as asked once when the first
        /// of its streams began; shared by every stream of the caller. Null if it could not be asked.
        /// </summary>
        public async Task<CallerStanding?> LatestAsync(CancellationToken ct)
        {
            var (answered, standing, unavailable) = _watched.Latest;
            return answered && !unavailable ? standing : await _watched.First.WaitAsync(ct);
        }

        /// <summary>Completes when the next re-check's answer is in; take it before judging, so no answer is missed.</summary>
        public Task Changed => _watched.Changed;

        /// <summary>
        /// Judges the latest answer: throws the refusal that ends the stream (or UNAVAILABLE after the grace
        /// period), else returns the standing (null while no re-check has answered yet).
        /// </summary>
        public CallerStanding? Require()
        {
            var (answered, standing, unavailable) = _watched.Latest;
            if (unavailable)
            {
                throw new DependencyUnavailableException("organization");
            }

            if (answered)
            {
                StandingPolicy.Require(_watched.Caller, standing);
            }

            return standing;
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _owner.Stop(_watched);
            }
        }
    }

    internal sealed class Watched(StandingWatch owner, CallerIdentity caller)
    {
        private static async Task<CallerStanding?> AskFirstAsync(StandingWatch owner, CallerIdentity caller)
        {
            try
            {
                await using var scope = owner._scopes.CreateAsyncScope();
                return await scope.ServiceProvider.GetRequiredService<CallerStandings>().GetAsync(caller, CancellationToken.None);
            }
            catch (Exception)
            {
                // Not answered: each stream looks its caller up itself.
                return null;
            }
        }

        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile Answer _latest = new(false, null, false);

        private sealed record Answer(bool Answered, CallerStanding? Standing, bool Unavailable);

        public CallerIdentity Caller => caller;

        public Task<CallerStanding?> First { get; } = AskFirstAsync(owner, caller);

        /// <summary>Guarded by the owner's lock.</summary>
        public int Streams { get; set; }

        public Task Changed => Volatile.Read(ref _changed).Task;

        public (bool Answered, CallerStanding? Standing, bool Unavailable) Latest => (_latest.Answered, _latest.Standing, _latest.Unavailable);

        public async Task RunAsync(CancellationToken stopping)
        {
            var settings = owner._settings;
            var lastSuccess = owner._clock.GetTimestamp();
            await Task.Yield();
            while (!stopping.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(settings.StandingRecheckInterval, owner._clock, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                if (owner.ForgetIfUnused(this))
                {
                    return;
                }

                Answer answer;
                try
                {
                    await using var scope = owner._scopes.CreateAsyncScope();
                    var standing = await scope.ServiceProvider.GetRequiredService<CallerStandings>().GetAsync(caller, stopping);
                    lastSuccess = owner._clock.GetTimestamp();
                    answer = new Answer(true, standing, false);
                }
                catch (Exception) when (!stopping.IsCancellationRequested)
                {
                    // Unreachable (or an answer that could not be read): judged as unavailable, within the grace period.
                    if (owner._clock.GetElapsedTime(lastSuccess) < settings.StandingRecheckGrace)
                    {
                        continue;
                    }

                    answer = new Answer(true, _latest.Standing, true);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                _latest = answer;
                Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            }
        }
    }
}
