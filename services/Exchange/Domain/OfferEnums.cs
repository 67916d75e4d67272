namespace MediaMesh.Exchange.Domain;

// Values match the mediamesh.exchange.v1 enums so the mapper can cast.

public enum OfferType
{
    NewsVideo = 1,
    Documentary = 2,
    Drama = 3,
    Promo = 4,
    Feature = 5,
    Audio = 6,
    Children = 7,
}

public enum OfferState
{
    Draft = 1,
    Offered = 2,
    Corrected = 3,
    Withdrawn = 4,
    Killed = 5,
}

public enum UsageKind
{
    Broadcast = 1,
    Online = 2,
    Social = 3,
}

public enum DescriptionRole
{
    Unspecified = 0,
    Summary = 1,
    Dopesheet = 2,
    Shotlist = 3,
    Script = 4,
}

public enum ApprovalMode
{
    Manual = 1,
    Auto = 2,
}
