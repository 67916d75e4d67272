using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace MediaMesh.Catalogue.Bench;

/// <summary>
/// Inserts entities built by the domain with one prepared INSERT per table, inside the caller's
/// transaction. Table, columns and value conversions (JSON documents, enums) come from the
/// service's own EF model, so rows are exactly what EF would write, only without change tracking.
/// </summary>
internal sealed class BulkInserter<T> : IDisposable
    where T : class
{
    private readonly DbCommand _command;
    private readonly (Func<object, object?> Read, DbParameter Parameter)[] _columns;

    public BulkInserter(DbContext db, DbConnection connection, DbTransaction transaction)
    {
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = entity.GetTableName() ?? throw new InvalidOperationException($"{typeof(T).Name} has no table.");
        var properties = entity.GetProperties().ToArray();
        _command = connection.CreateCommand();
        _command.Transaction = transaction;
        _command.CommandText =
            $"INSERT INTO \"{table}\" ({string.Join(", ", properties.Select(p => $"\"{p.GetColumnName()}\""))}) " +
            $"VALUES ({string.Join(", ", properties.Select((_, i) => "$p" + i))})";
        _columns = properties.Select((p, i) =>
        {
            var parameter = _command.CreateParameter();
            parameter.ParameterName = "$p" + i;
            _command.Parameters.Add(parameter);
            return (Reader(p), parameter);
        }).ToArray();
        _command.Prepare();
    }

    public void Insert(T row)
    {
        foreach (var (read, parameter) in _columns)
        {
            parameter.Value = read(row) ?? DBNull.Value;
        }

        _command.ExecuteNonQuery();
    }

    public void Dispose() => _command.Dispose();

    private static Func<object, object?> Reader(IProperty property)
    {
        var info = property.PropertyInfo ?? throw new InvalidOperationException($"{property.Name} is not a CLR property.");
        var converter = property.GetTypeMapping().Converter;
        return converter is null
            ? info.GetValue
            : row => info.GetValue(row) is { } value ? converter.ConvertToProvider(value) : null;
    }
}
