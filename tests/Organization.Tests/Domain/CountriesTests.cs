using MediaMesh.Common.Geography;

namespace MediaMesh.Organization.Tests.Domain;

public sealed class CountriesTests
{
    [Theory]
    [InlineData("EG", WorldRegion.ArabStates)]
    [InlineData("MA", WorldRegion.ArabStates)]
    [InlineData("DZ", WorldRegion.ArabStates)]
    [InlineData("SA", WorldRegion.ArabStates)]
    [InlineData("KE", WorldRegion.Africa)]
    [InlineData("NG", WorldRegion.Africa)]
    [InlineData("ZA", WorldRegion.Africa)]
    [InlineData("BR", WorldRegion.LatinAmericaCaribbean)]
    [InlineData("JM", WorldRegion.LatinAmericaCaribbean)]
    [InlineData("KZ", WorldRegion.CentralAsia)]
    [InlineData("UZ", WorldRegion.CentralAsia)]
    [InlineData("GE", WorldRegion.CentralAsia)]
    [InlineData("CN", WorldRegion.AsiaPacific)]
    [InlineData("FJ", WorldRegion.AsiaPacific)]
    [InlineData("TR", WorldRegion.Europe)]
    [InlineData("IL", WorldRegion.Europe)]
    [InlineData("US", WorldRegion.NorthAmerica)]
    public void Region_is_derived_from_the_country(string code, WorldRegion expected)
    {
        Assert.True(Countries.IsValid(code));
        Assert.Equal(expected, Countries.RegionOf(code));
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("K")]
    [InlineData("KEN")]
    [InlineData("ke")]
    [InlineData("XX")]
    [InlineData("AQ")]
    [InlineData("12")]
    public void Unknown_or_malformed_codes_are_not_valid(string? code) => Assert.False(Countries.IsValid(code));

    [Fact]
    public void RegionOf_an_unknown_code_throws() => Assert.Throws<ArgumentException>(() => Countries.RegionOf("XX"));

    [Theory]
    [InlineData("ke", "KE")]
    [InlineData(" eg ", "EG")]
    [InlineData(null, "")]
    public void Normalize_trims_and_upper_cases(string? input, string expected) => Assert.Equal(expected, Countries.Normalize(input));

    [Fact]
    public void Every_country_has_a_region_and_no_code_is_listed_twice()
    {
        // Build() would throw on a duplicate; this also guards that the table is reasonably complete.
        Assert.True(Countries.All.Count > 240, $"only {Countries.All.Count} countries");
        Assert.All(Countries.All, code => Assert.NotEqual(WorldRegion.Unspecified, Countries.RegionOf(code)));
    }
}
