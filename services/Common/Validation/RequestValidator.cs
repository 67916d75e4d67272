using MediaMesh.Common.Errors;

namespace MediaMesh.Common.Validation;

/// <summary>
/// Collects every field violation of a request so a caller learns all its mistakes at once,
/// then throws one <see cref="ValidationFailedException"/>.
/// </summary>
public sealed class RequestValidator
{
    private readonly List<FieldViolation> _violations = [];

    public bool IsValid => _violations.Count == 0;

    public IReadOnlyList<FieldViolation> Violations => _violations;

    public RequestValidator Add(string field, string description)
    {
        _violations.Add(new FieldViolation(field, description));
        return this;
    }

    public RequestValidator Check(bool condition, string field, string description) =>
        condition ? this : Add(field, description);

    public RequestValidator Required(string? value, string field) =>
        Check(!string.IsNullOrWhiteSpace(value), field, "is required");

    public RequestValidator MaxLength(string? value, int max, string field) =>
        Check(value is null || value.Length <= max, field, $"must be at most {max} characters");

    /// <summary>A repeated field holds at most <paramref name="max"/> entries (see <see cref="RepeatedFieldLimits"/>).</summary>
    public RequestValidator MaxCount(int count, int max, string field) =>
        Check(count <= max, field, $"must have at most {max} entries (has {count})");

    /// <summary>
    /// <see cref="MaxCount"/> for a parser that then looks at each entry: false (and a violation) when the
    /// field holds more than <paramref name="max"/>, so the entries are not examined one by one.
    /// </summary>
    public bool WithinCount(int count, int max, string field)
    {
        MaxCount(count, max, field);
        return count <= max;
    }

    public void ThrowIfInvalid()
    {
        if (_violations.Count > 0)
        {
            throw new ValidationFailedException(_violations.ToArray());
        }
    }
}
