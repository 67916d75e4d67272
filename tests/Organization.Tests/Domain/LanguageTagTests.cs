using MediaMesh.Common.Languages;

namespace MediaMesh.Organization.Tests.Domain;

public sealed class LanguageTagTests
{
    [Theory]
    [InlineData("en")]
    [InlineData("sw")]
    [InlineData("pt-BR")]
    [InlineData("zh-Hans")]
    [InlineData("zh-Hant-TW")]
    [InlineData("es-419")]
    [InlineData("sr-Latn-RS")]
    [InlineData("yue")]
    [InlineData("zh-yue")]
    [InlineData("de-CH-1996")]
    [InlineData("en-x-newsroom")]
    public void Well_formed_tags_are_valid(string tag) => Assert.True(LanguageTag.IsValid(tag));

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("e")]
    [InlineData("englishlanguage")]
    [InlineData("en_GB")]
    [InlineData("en-")]
    [InlineData("-en")]
    [InlineData("en--GB")]
    [InlineData("x-private")]
    [InlineData("i-klingon")]
    [InlineData("en-GB-oed")]
    [InlineData("12")]
    [InlineData("en GB")]
    public void Malformed_private_and_grandfathered_tags_are_invalid(string? tag) => Assert.False(LanguageTag.IsValid(tag));

    [Fact]
    public void Overlong_tags_are_invalid() => Assert.False(LanguageTag.IsValid("en-" + string.Join('-', Enumerable.Repeat("abcdefgh", 8))));

    [Theory]
    [InlineData("EN-gb", "en-GB")]
    [InlineData("zh-hans", "zh-Hans")]
    [InlineData("ZH-HANT-tw", "zh-Hant-TW")]
    [InlineData("Es-419", "es-419")]
    [InlineData("SW", "sw")]
    [InlineData("de-ch-1996", "de-CH-1996")]
    [InlineData("en-X-Newsroom-AB", "en-x-newsroom-ab")]
    [InlineData(" fr-ca ", "fr-CA")]
    public void Normalize_gives_canonical_casing(string input, string expected) => Assert.Equal(expected, LanguageTag.Normalize(input));

    [Fact]
    public void Normalize_refuses_an_invalid_tag() => Assert.Throws<ArgumentException>(() => LanguageTag.Normalize("en_GB"));
}
