using System.CommandLine;
using MediaMesh.Client.Transfers;
using MediaMesh.Contracts.Exchange.V1;
using Spectre.Console;

namespace MediaMesh.Cli.Commands;

/// <summary>media upload/download: resumable, verified transfers with a progress bar (bytes, rate, ETA).</summary>
public static class MediaCommands
{
    public static Command Media(CliContext context)
    {
        var offer = Cmd.Opt<string>("--offer", "The offer the file belongs to", required: true);
        var file = Cmd.Opt<string>("--file", "The local file", required: true);
        var kind = new Option<string>("--kind") { Description = "broadcast-master, proxy, subtitles, audio, thumbnail", DefaultValueFactory = _ => "broadcast-master" };
        var mime = new Option<string>("--mime-type") { Description = "MIME type", DefaultValueFactory = _ => "video/mp4" };
        var language = Cmd.Opt<string>("--language", "Language of the rendition (BCP 47)");
        var upload = Cmd.New("upload", "Upload a file as a rendition; re-run the same command to resume an interrupted upload", offer, file, kind, mime, language)
            .Does(context, async run =>
            {
                var path = run.Get(file)!;
                if (!File.Exists(path))
                {
                    throw new UsageException($"--file: {path} does not exist");
                }

                var declaration = new RenditionDeclaration(Parse.Enum<RenditionKind>(run.Get(kind)!, "--kind"), run.Get(mime)!, Language: run.Get(language));
                var rendition = await WithProgressAsync(run, $"upload {Path.GetFileName(path)}", (progress, ct) =>
                    run.Client.UploadFileAsync(run.Get(offer)!, path, declaration, progress, ct));
                return ShowRendition(run, rendition, path);
            });

        var id = Cmd.Id("rendition", "The rendition's id");
        var output = Cmd.Opt<string>("--out", "Where to write the file (default: the rendition's file name)");
        var download = Cmd.New("download", "Download a rendition (resumes a partial <file>.part, verifies the SHA-256)", id, output).Does(context, async run =>
        {
            var renditionId = run.Get(id);
            var path = run.Get(output);
            if (string.IsNullOrEmpty(path))
            {
                var record = (await run.Client.Media.GetRenditionAsync(new GetRenditionRequest { Id = renditionId }, cancellationToken: run.CancellationToken)).Rendition;
                path = record.FileName;
            }

            var rendition = await WithProgressAsync(run, $"download {Path.GetFileName(path)}", (progress, ct) =>
                run.Client.DownloadFileAsync(renditionId, path, progress, ct));
            return ShowRendition(run, rendition, path);
        });

        var show = Cmd.New("show", "A rendition's record, with the bytes the server holds", id).Does(context, async run =>
            ShowRendition(run, (await run.Client.Media.GetRenditionAsync(new GetRenditionRequest { Id = run.Get(id) }, cancellationToken: run.CancellationToken)).Rendition, null));
        return Cmd.New("media", "Renditions: resumable uploads and downloads", upload, download, show);
    }

    private static int ShowRendition(Invocation run, Rendition r, string? path) => run.Show(r,
        ("id", r.Id), ("offer", r.OfferId), ("kind", Parse.Name(r.Kind)), ("file", path ?? r.FileName), ("size", $"{r.SizeBytes:N0} bytes"),
        ("received", $"{r.ReceivedBytes:N0} bytes"), ("sha256", r.Sha256), ("state", Parse.Name(r.State)));

    /// <summary>Runs a transfer under a progress bar on stderr (a person at a terminal), or plain phase lines otherwise.</summary>
    private static async Task<T> WithProgressAsync<T>(Invocation run, string title, Func<IProgress<TransferProgress>, CancellationToken, Task<T>> transfer)
    {
        if (!run.Context.Interactive || run.Json)
        {
            var lastPhase = (TransferPhase)(-1);
            var attempt = 0;
            var quiet = new SynchronousProgress(p =>
            {
                if (run.Json || (p.Phase == lastPhase && p.Attempt == attempt))
                {
                    return;
                }

                lastPhase = p.Phase;
                attempt = p.Attempt;
                run.Context.Error.WriteLine($"{title}: {p.Phase.ToString().ToLowerInvariant()} {p.BytesDone:N0}/{p.TotalBytes:N0} bytes");
            });
            return await transfer(quiet, run.CancellationToken);
        }

        T result = default!;
        await run.ErrorConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(),
                new TransferSpeedColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(title);
                var progress = new SynchronousProgress(p =>
                {
                    task.MaxValue = Math.Max(1, p.TotalBytes);
                    task.Value = p.BytesDone;
                    task.Description = p.Phase switch
                    {
                        TransferPhase.Hashing => $"{title} (hashing)",
                        TransferPhase.Resuming => $"{title} (resuming, attempt {p.Attempt + 1})",
                        TransferPhase.Verifying => $"{title} (verifying)",
                        TransferPhase.Completed => $"{title} ✓",
                        _ => title,
                    };
                });
                result = await transfer(progress, run.CancellationToken);
                task.Value = task.MaxValue;
                task.StopTask();
            });
        return result;
    }

    /// <summary>Reports on the caller's thread at once (Progress&lt;T&gt; would post to a thread pool and reorder).</summary>
    private sealed class SynchronousProgress(Action<TransferProgress> report) : IProgress<TransferProgress>
    {
        public void Report(TransferProgress value) => report(value);
    }
}
