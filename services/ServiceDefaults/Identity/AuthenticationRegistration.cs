using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MediaMesh.ServiceDefaults.Identity;

public static class AuthenticationRegistration
{
    /// <summary>
    /// Standard ASP.NET Core JWT bearer authentication of internal tokens (ES256, the issuers'
    /// public keys from configuration, <see cref="InternalTokenValidation"/>'s rules). Every gRPC
    /// method requires it (fallback policy); only health and reflection are open. A service token
    /// is then held to <see cref="ServiceCallAllowlist"/> by <see cref="ServiceCallAuthorizationInterceptor"/>.
    /// </summary>
    public static IHostApplicationBuilder AddInternalTokenAuthentication(this IHostApplicationBuilder builder, string serviceName)
    {
        var tokenOptions = builder.AddInternalTokenOptions(serviceName);
        builder.Services.AddSingleton<IValidateOptions<InternalTokenOptions>>(new InternalTokenOptionsValidation(serviceName, verifies: true, signs: false));
        if (builder.Environment.IsDevelopment())
        {
            // Started alone in Development: trust the developer's own key pairs of the issuers this service hears from.
            tokenOptions.PostConfigure(o =>
            {
                foreach (var issuer in ServiceCallAllowlist.CallersOf(serviceName).Append(InternalTokenNames.Gateway))
                {
                    if (!o.Issuers.TryGetValue(issuer, out var trusted) || string.IsNullOrEmpty(trusted.PublicKey))
                    {
                        o.Issuers[issuer] = new TrustedIssuerOptions { PublicKey = DevelopmentKeys.PublicKey(issuer) };
                    }
                }
            });
        }

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<InternalTokenOptions>>((jwt, tokens) =>
            {
                jwt.MapInboundClaims = false;
                jwt.RequireHttpsMetadata = false;
                jwt.TokenValidationParameters = InternalTokenValidation.Parameters(tokens.Value, serviceName);
                jwt.TokenHandlers.Clear();
                jwt.TokenHandlers.Add(new ValidatedTokenCache(TimeProvider.System));
                jwt.Events = new JwtBearerEvents
                {
                    OnTokenValidated = context =>
                    {
                        if (InternalTokenValidation.Problem(context.Principal!, serviceName) is { } problem)
                        {
                            context.Fail(problem);
                        }

                        return Task.CompletedTask;
                    },
                };
            });
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        builder.Services.AddSingleton<ServiceCallAuthorizationInterceptor>();
        return builder;
    }

    /// <summary>
    /// The signer of this process's tokens (<see cref="InternalTokenIssuer"/>): its own private key
    /// is required at start (in Development the developer's key pair of <paramref name="name"/>).
    /// Used by the gateway and by every service that calls another.
    /// </summary>
    public static IHostApplicationBuilder AddInternalTokenSigning(this IHostApplicationBuilder builder, string name)
    {
        if (builder.Services.Any(s => s.ServiceType == typeof(InternalTokenIssuer)))
        {
            return builder;
        }

        var tokenOptions = builder.AddInternalTokenOptions(name);
        builder.Services.AddSingleton<IValidateOptions<InternalTokenOptions>>(new InternalTokenOptionsValidation(name, verifies: false, signs: true));
        if (builder.Environment.IsDevelopment())
        {
            tokenOptions.PostConfigure(o => o.PrivateKey = string.IsNullOrEmpty(o.PrivateKey) ? DevelopmentKeys.PrivateKey(name) : o.PrivateKey);
        }

        // Tokens are checked against the wall clock by the verifier, so they are signed by it too.
        builder.Services.AddSingleton(sp => new InternalTokenIssuer(
            sp.GetRequiredService<IOptions<InternalTokenOptions>>(), sp.GetRequiredService<InternalTokenIdentity>(), TimeProvider.System));
        return builder;
    }

    private static OptionsBuilder<InternalTokenOptions> AddInternalTokenOptions(this IHostApplicationBuilder builder, string name)
    {
        builder.Services.TryAddSingleton(new InternalTokenIdentity(name));
        var options = builder.Services.AddOptions<InternalTokenOptions>();
        if (!builder.Services.Any(s => s.ImplementationInstance is InternalTokenSectionMarker))
        {
            builder.Services.AddSingleton(new InternalTokenSectionMarker());
            options.Bind(builder.Configuration.GetSection(InternalTokenOptions.SectionName)).ValidateOnStart();
        }

        return options;
    }

    /// <summary>Marks that the section is bound once however many registrations ask for it.</summary>
    private sealed class InternalTokenSectionMarker;
}
