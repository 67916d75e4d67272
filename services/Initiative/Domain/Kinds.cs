namespace MediaMesh.Initiatives.Domain;

/// <summary>Values match mediamesh.initiative.v1.InitiativeKind.</summary>
public enum InitiativeKind
{
    JointInitiative = 1,
    Campaign = 2,
    ScreeningProgramme = 3,
    CoProduction = 4,
    CommunicationSeason = 5,
}

/// <summary>Values match mediamesh.initiative.v1.InitiativeState.</summary>
public enum InitiativeState
{
    Draft = 1,
    OpenForSignature = 2,
    Active = 3,
    Concluded = 4,
    Withdrawn = 5,
}

/// <summary>Values match mediamesh.initiative.v1.SignatureState.</summary>
public enum SignatureState
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "Mirrors SIGNATURE_STATE_SIGNED; not a type name here.")]
    Signed = 1,
    Withdrawn = 2,
}

/// <summary>Values match mediamesh.initiative.v1.ActivityKind.</summary>
public enum ActivityKind
{
    Screening = 1,
    Workshop = 2,
    ForumSession = 3,
    Broadcast = 4,
}

/// <summary>Values match mediamesh.initiative.v1.ActivityStatus.</summary>
public enum ActivityStatus
{
    Planned = 1,
    Held = 2,
    Cancelled = 3,
}
