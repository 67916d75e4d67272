namespace MediaMesh.Media.Bench;

/// <summary>Source files of deterministic bytes, written in 1 MiB blocks so the file is never held in memory.</summary>
public static class TransferFiles
{
    public const int MiB = 1024 * 1024;

    public static async Task<string> WriteAsync(string folder, int sizeMiB, int seed)
    {
        var path = Path.Combine(folder, $"source-{sizeMiB}MiB.bin");
        var random = new Random(seed);
        var block = new byte[MiB];
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
        for (var i = 0; i < sizeMiB; i++)
        {
            random.NextBytes(block);
            await file.WriteAsync(block);
        }

        return path;
    }
}

/// <summary>A synchronous progress sink (Progress&lt;T&gt; would post to the thread pool and lag behind).</summary>
public sealed class ProgressProbe<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
