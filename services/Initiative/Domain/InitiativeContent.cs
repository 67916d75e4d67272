using MediaMesh.Common.Errors;
using MediaMesh.Common.Geography;

namespace MediaMesh.Initiatives.Domain;

/// <summary>
/// The co-proposers' editable fields of an initiative, already validated field by field. The
/// constructor-free record keeps one cross-field rule of its own: the end comes after the start.
/// </summary>
public sealed record InitiativeContent(
    IReadOnlyList<LocalizedText> Titles,
    IReadOnlyList<LocalizedText> Charter,
    IReadOnlyList<Objective> Objectives,
    IReadOnlyList<string> ProposerIds,
    IReadOnlyList<WorldRegion> TargetRegions,
    DateTime? StartTime,
    DateTime? EndTime)
{
    /// <summary>Throws INVALID_ARGUMENT naming initiative.end_time if the period is inverted or empty.</summary>
    public void EnsurePeriodIsValid()
    {
        if (StartTime is { } start && EndTime is { } end && end <= start)
        {
            throw ValidationFailedException.For("initiative.end_time", "must be after start_time");
        }
    }
}
