namespace MediaMesh.Organizations.Domain;

/// <summary>An organisation's name in one language (BCP 47 tag, canonical casing).</summary>
public sealed record LocalizedName(string Language, string Text, bool Original);
