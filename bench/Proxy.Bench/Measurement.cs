using System.Diagnostics;
using MediaMesh.Bench.Support;

namespace MediaMesh.Proxy.Bench;

/// <summary>One timed run and the CPU time the kernel counted for the proxy, the service behind it and the load generator.</summary>
public sealed record Measurement(LoadResult Load, TimeSpan ProxyCpu, TimeSpan ServiceCpu, TimeSpan GeneratorCpu)
{
    public double ProxyMicrosPerCall => ProxyCpu.TotalMicroseconds / Load.Calls;

    public double ServiceMicrosPerCall => ServiceCpu.TotalMicroseconds / Load.Calls;

    public double GeneratorMicrosPerCall => GeneratorCpu.TotalMicroseconds / Load.Calls;

    /// <summary>How busy the generator's core was (1 = fully).</summary>
    public double GeneratorBusy => GeneratorCpu / Load.Elapsed;

    /// <summary>Runs the generator once, reading /proc before and after.</summary>
    public static async Task<Measurement> TakeAsync(LoadGenerator generator, GrpcCall call, string? authorization, int streams, TimeSpan duration,
        PinnedProcess? proxy, PinnedProcess service)
    {
        var self = Process.GetCurrentProcess();
        var proxyBefore = proxy?.CpuTime() ?? TimeSpan.Zero;
        var serviceBefore = service.CpuTime();
        self.Refresh();
        var selfBefore = self.TotalProcessorTime;
        var load = await generator.RunAsync(call, authorization, streams, duration);
        self.Refresh();
        var selfAfter = self.TotalProcessorTime;
        var serviceAfter = service.CpuTime();
        var proxyAfter = proxy?.CpuTime() ?? TimeSpan.Zero;
        return new Measurement(load, proxyAfter - proxyBefore, serviceAfter - serviceBefore, selfAfter - selfBefore);
    }
}
