using System.CommandLine;
using MediaMesh.Client.Feed;
using MediaMesh.Contracts.Common.V1;
using MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Cli.Commands;

/// <summary>feed watch: the live feed, resumable from a cursor file, reconnecting by itself.</summary>
public static class FeedCommands
{
    public static Command Feed(CliContext context)
    {
        var fromCursor = Cmd.Opt<long?>("--from-cursor", "Start after this cursor (overrides the cursor file's)");
        var fromBeginning = Cmd.Opt<bool>("--from-beginning", "With no cursor: start from the oldest event (default: live only)");
        var cursorFile = Cmd.Opt<string>("--cursor-file", "Keep the last processed cursor here; a re-run resumes after it");
        var types = Cmd.Many("--type", "Only these offer types");
        var regions = Cmd.Many("--region", "Only owners in these regions");
        var languages = Cmd.Many("--language", "Only these languages");
        var subjects = Cmd.Many("--subject", "Only these subjects");
        var licensedOnly = Cmd.Opt<bool>("--licensed-only", "Only items you hold a licence for (kills and corrections)");
        var maxEvents = Cmd.Opt<int>("--max-events", "Stop after this many events (default: run until Ctrl+C)");
        var watch = Cmd.New("watch", "Follow new, corrected, withdrawn and killed items live (one line per event; --json: one JSON object per line)",
            fromCursor, fromBeginning, cursorFile, types, regions, languages, subjects, licensedOnly, maxEvents).Does(context, async run =>
        {
            ICursorStore store = run.Get(cursorFile) is { Length: > 0 } path ? new FileCursorStore(path) : new MemoryCursorStore();
            if (run.Get(fromCursor) is { } start)
            {
                await store.SaveAsync(start, run.CancellationToken);
            }

            var filter = new FeedFilter
            {
                Types_ = { Parse.List(run.Get(types)).Select(t => Parse.Enum<OfferType>(t, "--type")) },
                OwnerRegions = { Parse.List(run.Get(regions)).Select(r => Parse.Enum<Region>(r, "--region")) },
                Languages = { Parse.List(run.Get(languages)) },
                Subjects = { Parse.List(run.Get(subjects)) },
                LicensedOnly = run.Get(licensedOnly),
            };
            var limit = run.Get(maxEvents);
            var seen = 0;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(run.CancellationToken);
            await run.Client.FollowFeedAsync(store, (e, _) =>
            {
                if (run.Json)
                {
                    run.Context.Out.WriteLine(Invocation.Format(e));
                }
                else
                {
                    run.Context.Out.WriteLine($"{e.Cursor,8}  {Parse.When(e.EventTime)}  {Parse.Name(e.Type),-9}  {e.Offer.Id}  {e.Offer.Slugline}  {OfferCommands.Truncate(Parse.Text(e.Offer.Headlines), 60)}"
                        + (e.Note.Length > 0 ? $"  ({e.Note})" : string.Empty));
                }

                run.Context.Out.Flush();
                if (limit > 0 && ++seen >= limit)
                {
                    stop.Cancel();
                }

                return Task.CompletedTask;
            }, new FeedFollowOptions
            {
                Filter = filter,
                FromBeginning = run.Get(fromBeginning),
                OnReconnect = (reason, wait) =>
                {
                    if (!run.Json)
                    {
                        run.Context.Error.WriteLine($"feed: reconnecting in {wait.TotalSeconds:0.#} s ({reason.Message})");
                    }
                },
            }, stop.Token);
            return run.CancellationToken.IsCancellationRequested ? ExitCodes.Interrupted : ExitCodes.Ok;
        });
        return Cmd.New("feed", "The exchange feed", watch);
    }
}
