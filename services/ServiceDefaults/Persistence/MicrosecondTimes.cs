using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace MediaMesh.ServiceDefaults.Persistence;

/// <summary>
/// PostgreSQL keeps times to the microsecond, .NET to 100 ns. Before a save, the times of every added or
/// changed entity are cut to the microsecond in memory too, so what a write returns to its caller is what
/// a later read returns (SQLite keeps every tick; nothing is cut there).
/// </summary>
public sealed class MicrosecondTimes : SaveChangesInterceptor
{
    public static readonly MicrosecondTimes Interceptor = new();

    private const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Truncate(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Truncate(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private static void Truncate(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified))
            {
                continue;
            }

            foreach (var property in entry.Properties)
            {
                if (property.CurrentValue is DateTime time && time.Ticks % TicksPerMicrosecond != 0)
                {
                    property.CurrentValue = time.AddTicks(-(time.Ticks % TicksPerMicrosecond));
                }
            }
        }
    }
}
