namespace MediaMesh.Organizations.Domain;

public enum OrganizationKind
{
    Broadcaster = 1,
    NewsAgency = 2,
    BroadcastingUnion = 3,
    Publisher = 4,
    DigitalOutlet = 5,
}

public enum OrganizationStatus
{
    Pending = 1,
    Active = 2,
    Suspended = 3,
}

public enum OrganizationRole
{
    Member = 1,
    Coordinator = 2,
}
