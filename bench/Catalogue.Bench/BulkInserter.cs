using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace MediaMesh.Catalogue.Bench;

/// <summary>
/// Inserts entities built by the domain with one INSERT per table, inside the caller's transaction.
/// Table, columns and value conversions (JSON documents, enums) come from the service's own EF model,
/// so rows are exactly what EF would write, only without change tracking. SQLite: one prepared
/// command per table; PostgreSQL: rows of every table go through the transaction's shared
/// <see cref="RowBatch"/> in the order they are inserted (foreign keys hold), a round trip per batch.
/// </summary>
internal sealed class BulkInserter<T> : IDisposable
    where T : class
{
    private readonly RowBatch _batch;
    private readonly string _sql;
    private readonly DbCommand? _command;
    private readonly Func<object, object?>[] _readers;
    private bool _prepared;

    public BulkInserter(DbContext db, RowBatch batch)
    {
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = entity.GetTableName() ?? throw new InvalidOperationException($"{typeof(T).Name} has no table.");
        var properties = entity.GetProperties().ToArray();
        _batch = batch;
        _readers = properties.Select(Reader).ToArray();
        _sql = $"INSERT INTO \"{table}\" ({string.Join(", ", properties.Select(p => $"\"{p.GetColumnName()}\""))}) " +
               $"VALUES ({string.Join(", ", properties.Select((_, i) => batch.Batches ? "$" + (i + 1) : "@p" + i))})";
        if (!batch.Batches)
        {
            _command = batch.Connection.CreateCommand();
            _command.Transaction = batch.Transaction;
            _command.CommandText = _sql;
            for (var i = 0; i < properties.Length; i++)
            {
                var parameter = _command.CreateParameter();
                parameter.ParameterName = "@p" + i;
                _command.Parameters.Add(parameter);
            }
        }
    }

    public void Insert(T row)
    {
        if (_command is null)
        {
            _batch.Add(_sql, _readers.Select(read => read(row)));
            return;
        }

        for (var i = 0; i < _readers.Length; i++)
        {
            _command.Parameters[i].Value = _readers[i](row) ?? DBNull.Value;
        }

        if (!_prepared)
        {
            _command.Prepare();
            _prepared = true;
        }

        _command.ExecuteNonQuery();
    }

    public void Dispose() => _command?.Dispose();

    private static Func<object, object?> Reader(IProperty property)
    {
        var info = property.PropertyInfo ?? throw new InvalidOperationException($"{property.Name} is not a CLR property.");
        var converter = property.GetTypeMapping().Converter;
        return converter is null
            ? info.GetValue
            : row => info.GetValue(row) is { } value ? converter.ConvertToProvider(value) : null;
    }
}

/// <summary>Statements of one transaction sent together when the provider supports batches (Npgsql); call <see cref="Flush"/> before commit.</summary>
internal sealed class RowBatch(DbConnection connection, DbTransaction transaction) : IDisposable
{
    private const int Size = 1_000;
    private DbBatch? _batch;

    public DbConnection Connection => connection;
    public DbTransaction Transaction => transaction;
    public bool Batches { get; } = connection.CanCreateBatch;

    public void Add(string sql, IEnumerable<object?> values)
    {
        if (_batch is null)
        {
            _batch = connection.CreateBatch();
            _batch.Transaction = transaction;
        }

        var command = _batch.CreateBatchCommand();
        command.CommandText = sql;
        foreach (var value in values)
        {
            var parameter = command.CreateParameter();
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        _batch.BatchCommands.Add(command);
        if (_batch.BatchCommands.Count >= Size)
        {
            Flush();
        }
    }

    public void Flush()
    {
        if (_batch is not null)
        {
            _batch.ExecuteNonQuery();
            _batch.Dispose();
            _batch = null;
        }
    }

    public void Dispose() => _batch?.Dispose();
}
