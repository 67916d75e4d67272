namespace MediaMesh.Initiatives.Domain;

/// <summary>A text in one language (BCP 47 tag, canonical casing); <see cref="Original"/> marks the source version.</summary>
public sealed record LocalizedText(string Language, string Text, bool Original);

/// <summary>One objective of an initiative, in one or more languages.</summary>
public sealed record Objective(IReadOnlyList<LocalizedText> Text);
