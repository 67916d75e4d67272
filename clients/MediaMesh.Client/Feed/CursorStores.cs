using System.Globalization;

namespace MediaMesh.Client.Feed;

/// <summary>Where a feed follower keeps the cursor of the last event the caller finished processing.</summary>
public interface ICursorStore
{
    /// <summary>The saved cursor, or 0 when nothing was processed yet.</summary>
    Task<long> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Saves the cursor of an event the caller has processed.</summary>
    Task SaveAsync(long cursor, CancellationToken cancellationToken);
}

/// <summary>A cursor in a small text file, replaced atomically so a crash never leaves half a number.</summary>
public sealed class FileCursorStore(string path) : ICursorStore
{
    public string Path { get; } = path;

    public async Task<long> LoadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            return 0;
        }

        var text = (await File.ReadAllTextAsync(Path, cancellationToken).ConfigureAwait(false)).Trim();
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var cursor)
            ? cursor
            : throw new MediaMeshConfigurationException($"The feed cursor file {Path} does not hold a cursor; fix or delete it.");
    }

    public async Task SaveAsync(long cursor, CancellationToken cancellationToken)
    {
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        var temporary = Path + ".tmp";
        await File.WriteAllTextAsync(temporary, cursor.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        File.Move(temporary, Path, overwrite: true);
    }
}

/// <summary>A cursor held in memory (for a process that keeps its own state).</summary>
public sealed class MemoryCursorStore(long cursor = 0) : ICursorStore
{
    private long _cursor = cursor;

    public long Cursor => Interlocked.Read(ref _cursor);

    public Task<long> LoadAsync(CancellationToken cancellationToken) => Task.FromResult(Cursor);

    public Task SaveAsync(long cursor, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _cursor, cursor);
        return Task.CompletedTask;
    }
}
