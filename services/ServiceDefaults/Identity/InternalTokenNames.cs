namespace MediaMesh.ServiceDefaults.Identity;

/// <summary>
/// The names in internal tokens. Each process is an issuer named after itself ("gateway",
/// "organization", "initiative", "exchange"); its tokens carry <c>iss</c> = that name.
/// <list type="bullet">
/// <item>A member token (role member or coordinator): issuer <see cref="Gateway"/>, audience
/// <see cref="MemberAudience"/>, subject the organisation; a service forwards it while it handles the
/// member's call.</item>
/// <item>A service token (role service): subject <c>service:{issuer}</c>, audience the one callee it
/// is for; accepted only for the methods <see cref="ServiceCallAllowlist"/> grants that issuer.</item>
/// </list>
/// </summary>
public static class InternalTokenNames
{
    /// <summary>The one issuer of member tokens.</summary>
    public const string Gateway = "gateway";

    /// <summary>The audience of member tokens: every service.</summary>
    public const string MemberAudience = "mediamesh-services";

    private const string ServicePrefix = "service:";

    /// <summary>The subject of a service token of <paramref name="issuer"/>, e.g. service:exchange.</summary>
    public static string ServiceSubject(string issuer) => ServicePrefix + issuer;
}
