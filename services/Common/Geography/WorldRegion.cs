namespace MediaMesh.Common.Geography;

/// <summary>The mechanism's regions; values match mediamesh.common.v1.Region.</summary>
public enum WorldRegion
{
    Unspecified = 0,
    Africa = 1,
    ArabStates = 2,
    AsiaPacific = 3,
    CentralAsia = 4,
    Europe = 5,
    LatinAmericaCaribbean = 6,
    NorthAmerica = 7,
}
