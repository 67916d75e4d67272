using System.Diagnostics;
using System.Net.Sockets;

namespace MediaMesh.Bench.Support;

/// <summary>
/// A process the benchmark starts pinned to given cores (taskset), so the measured target and the load
/// generator never share a core; killed with its process group when disposed.
/// </summary>
public sealed class PinnedProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringWriter _output = new();

    private PinnedProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Raised for every line the process writes (stdout and stderr), e.g. to count log entries of one kind.</summary>
    public event Action<string>? LineWritten;

    /// <summary>The last lines the process wrote (stdout and stderr), for a report when it fails to start.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                var text = _output.ToString();
                return text.Length > 4000 ? text[^4000..] : text;
            }
        }
    }

    public static PinnedProcess Start(string cores, string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo("taskset")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(cores);
        info.ArgumentList.Add(fileName);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        var pinned = new PinnedProcess(process);
        process.OutputDataReceived += (_, e) => pinned.Append(e.Data);
        process.ErrorDataReceived += (_, e) => pinned.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return pinned;
    }

    /// <summary>Waits until something accepts TCP connections on the port (the process is listening).</summary>
    public async Task WaitForPortAsync(int port, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"process exited with {_process.ExitCode} before listening on {port}:\n{Output}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"nothing listened on {port} within {timeout}:\n{Output}");
    }

    /// <summary>Sends SIGTERM and waits up to <paramref name="grace"/>: the exit code, or null when it had to be killed.</summary>
    public async Task<int?> TerminateAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return _process.ExitCode;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) ?? throw new InvalidOperationException("could not run kill"))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            return null;
        }
    }

    public TimeSpan CpuTime() => ProcessMeter.CpuTime(ProcessMeter.WithDescendants(_process.Id));

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>Appends every line from now on to <paramref name="path"/>, each stamped with the time it was read.</summary>
    public void CopyOutputTo(string path)
    {
        // Opened per line: a process's lines keep coming after it exits, and its restart appends to the same file.
        LineWritten += line =>
        {
            lock (_output)
            {
                File.AppendAllText(path, $"{DateTime.UtcNow:HH:mm:ss.fff} {line}\n");
            }
        };
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.WriteLine(line);
        }

        LineWritten?.Invoke(line);
    }
}
