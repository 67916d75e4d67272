using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MediaMesh.ServiceDefaults.Identity;

public static class AuthenticationRegistration
{
    /// <summary>
    /// Standard ASP.NET Core JWT bearer authentication of the gateway's internal token. Every gRPC
    /// method requires it (fallback policy); only health and reflection are open.
    /// </summary>
    public static IHostApplicationBuilder AddInternalTokenAuthentication(this IHostApplicationBuilder builder)
    {
        var tokenOptions = builder.Services.AddOptions<InternalTokenOptions>()
            .Bind(builder.Configuration.GetSection(InternalTokenOptions.SectionName));
        if (builder.Environment.IsDevelopment())
        {
            tokenOptions.PostConfigure(o => o.SigningKey = string.IsNullOrEmpty(o.SigningKey) ? DevelopmentSigningKey.LoadOrCreate() : o.SigningKey);
        }

        tokenOptions
            .ValidateDataAnnotations()
            .Validate(o => TryKey(o), "MediaMesh:InternalToken:SigningKey must be base64 of at least 32 bytes.")
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<InternalTokenIssuer>();

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<InternalTokenOptions>>((jwt, tokens) =>
            {
                jwt.MapInboundClaims = false;
                jwt.RequireHttpsMetadata = false;
                jwt.TokenValidationParameters = InternalTokenIssuer.ValidationParameters(tokens.Value);
            });
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        return builder;
    }

    private static bool TryKey(InternalTokenOptions options)
    {
        try
        {
            options.GetKeyBytes();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
