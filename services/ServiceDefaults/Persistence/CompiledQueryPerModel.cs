using System.Collections.Concurrent;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace MediaMesh.ServiceDefaults.Persistence;

/// <summary>
/// An EF compiled query for a hot read: a call skips EF's per-call work on the expression tree (parameter
/// extraction, which may compile a delegate per call, and the query-cache look-up). EF binds a compiled query to
/// the model of the first context that runs it and refuses any other, so it is compiled once per model: a process
/// normally has one (SQLite or PostgreSQL), but one that hosts both providers (the tests) has two.
/// </summary>
public sealed class CompiledQueryPerModel<TContext, TParam, TResult>(Expression<Func<TContext, TParam, CancellationToken, TResult>> query)
    where TContext : DbContext
{
    private readonly ConcurrentDictionary<IModel, Func<TContext, TParam, CancellationToken, Task<TResult>>> _compiled = new();

    public Task<TResult> ExecuteAsync(TContext db, TParam parameter, CancellationToken ct) =>
        _compiled.GetOrAdd(db.Model, _ => EF.CompileAsyncQuery(query))(db, parameter, ct);
}
