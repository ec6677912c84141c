using System.Security.Cryptography;
using Ent.Consent.AspNetCore;
using Ent.Consent.Gateway.Html;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Options;

namespace Ent.Consent.Gateway;

/// <summary>
/// Builds the gateway: Ent.Consent's enforcement, endpoints and widget in front of a portal it proxies with YARP.
/// <c>Program</c> runs it; tests start the same application on a free port.
/// </summary>
public static class GatewayApplication
{
    /// <summary>
    /// Builds the gateway from command-line arguments and configuration (<c>--Gateway:Upstream</c>, the
    /// <c>EntConsent</c> section, …). Throws <see cref="OptionsValidationException"/> with every configuration
    /// mistake at once when the <c>Gateway</c> section is wrong; the <c>EntConsent</c> section is validated when the
    /// host starts.
    /// </summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="configure">Lets a test change services or configuration before the build.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        // The deployment's settings: --settings <file>, else gateway.json in the working directory; then the
        // environment and the command line again so they still win over it.
        var settings = builder.Configuration["settings"];
        if (settings is not null && !File.Exists(settings))
        {
            throw new OptionsValidationException(GatewayOptions.SectionName, typeof(GatewayOptions), [$"--settings names '{settings}', which does not exist."]);
        }

        builder.Configuration.AddJsonFile(Path.GetFullPath(settings ?? "gateway.json"), optional: settings is null, reloadOnChange: false);
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args);
        configure?.Invoke(builder);

        // Bound and checked now: the proxy's routes and the data folder are needed to build the rest.
        var section = builder.Configuration.GetSection(GatewayOptions.SectionName);
        var gateway = new GatewayOptions();
        try
        {
            section.Bind(gateway, static binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException exception)
        {
            throw new OptionsValidationException(GatewayOptions.SectionName, typeof(GatewayOptions), [exception.Message]);
        }

        var validation = new GatewayOptionsValidator().Validate(null, gateway);
        var failures = validation.Failed ? validation.Failures.ToList() : [];
        var subjectKey = builder.Configuration["EntConsent:SubjectKey"];
        if (gateway.PostgreSql is not null && string.IsNullOrEmpty(subjectKey))
        {
            // A random per-node key would hash one user differently on each node: their choices would not follow them.
            failures.Add("Gateway:PostgreSql is set, so EntConsent:SubjectKey is required: several nodes must hash a user's id with the same key (give it to every node, e.g. EntConsent__SubjectKey in the environment).");
        }

        if (gateway.Tenants.Count > 0 && !string.IsNullOrEmpty(builder.Configuration["EntConsent:Cookie:Domain"]))
        {
            // A consent cookie shared by every school's subdomain would carry one school's choice to the next.
            failures.Add("Gateway:Tenants is set, so EntConsent:Cookie:Domain must be left out: each school's host keeps its own consent cookie.");
        }

        var tenants = failures.Count == 0 && gateway.Tenants.Count > 0
            ? GatewayTenants.Map(builder.Configuration, gateway, builder.Environment.IsDevelopment(), failures)
            : [];
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(GatewayOptions.SectionName, typeof(GatewayOptions), failures);
        }

        // The library's tenant resolver (EntConsent:Tenants) does the per-host matching.
        builder.Configuration.AddInMemoryCollection(tenants);

        builder.Services.AddOptions<GatewayOptions>()
            .Bind(section, static binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();

        var dataDirectory = Path.GetFullPath(gateway.DataDirectory);
        Directory.CreateDirectory(dataDirectory);
        var paths = new GatewayPaths(dataDirectory, Path.Combine(dataDirectory, "consent-proofs.db"), Path.Combine(dataDirectory, "keys"), Path.Combine(dataDirectory, "subject-key"));
        builder.Services.AddSingleton(paths);
        if (string.IsNullOrEmpty(subjectKey))
        {
            builder.Configuration.AddInMemoryCollection([new("EntConsent:SubjectKey", LoadOrCreateSubjectKey(paths.SubjectKey))]);
        }

        var dataProtection = builder.Services.AddDataProtection().SetApplicationName("Ent.Consent.Gateway");
        if (gateway.PostgreSql is { } postgreSql)
        {
            // Shared by every node: a consent cookie or antiforgery token signed by one is read by the others.
            dataProtection.PersistKeysToPostgreSql(postgreSql, gateway.PostgreSqlSchema);
        }
        else
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(paths.Keys));
        }

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddRequestLocalization(static options =>
        {
            // Every language the widget, the cookie page and the catalogue are written in; French first, the fallback.
            string[] cultures = [.. LocalizedText.BuiltInCultures];
            options.SetDefaultCulture(LocalizedText.DefaultCulture).AddSupportedCultures(cultures).AddSupportedUICultures(cultures);
            options.FallBackToParentUICultures = true;
        });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = gateway.MaxRequestBodySize);

        var consent = builder.Services.AddEntConsent(builder.Configuration, options =>
            {
                options.DataDirectory = dataDirectory;
                options.PathPrefix = gateway.PathPrefix;
                // The consent-aware policy (EntConsent:ContentSecurityPolicy:Mode) trusts the widget through the nonce
                // the gateway gives the page it injects into.
                options.ContentSecurityPolicy.Nonce ??= GatewayNonce.Of;
            })
            .AddWidget(options => options.CookiePageUrl ??= null);
        if (gateway.PostgreSql is { } proofDatabase)
        {
            consent.AddPostgreSqlProofStore(proofDatabase, options => options.Schema = gateway.PostgreSqlSchema);
        }
        else
        {
            consent.AddSqliteProofStore(paths.ProofStore);
        }

        if (gateway.ProofCheckpointInterval > TimeSpan.Zero)
        {
            // Each node signs with its own key into its own data directory, as the library does on several web nodes.
            consent.AddProofCheckpoints(options => options.Interval = gateway.ProofCheckpointInterval);
        }


        if (gateway.SubjectResponseHeader is not null)
        {
            // After AddEntConsent's own post-configuration, which merges each tenant's policy from configuration.
            builder.Services.PostConfigure<EntConsentOptions>(static options =>
            {
                GatewaySubjectCookie.Declare(options.Policy);
                foreach (var tenant in options.Tenants.Values)
                {
                    if (tenant?.Policy is { } policy)
                    {
                        GatewaySubjectCookie.Declare(policy);
                    }
                }
            });
        }

        builder.Services.AddSingleton<GatewaySubjectCookie>();
        builder.Services.AddSingleton<GatewayRules>();
        builder.Services.AddSingleton<HtmlResponseTransform>();
        builder.Services.AddSingleton<GatewayHealth>();
        // YARP's forwarder and transforms, without its routing: the gateway has one destination (GatewayForwarder).
        builder.Services.AddHttpForwarder();
        builder.Services.AddSingleton<GatewayForwarder>();

        var app = builder.Build();

        // Before the forwarded headers change the remote address: the subject header is trusted from the peer itself.
        app.UseMiddleware<GatewaySubjectMiddleware>();
        if (gateway.ForwardedHeadersFrom.Count > 0)
        {
            var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost };
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            foreach (var network in gateway.ForwardedHeadersFrom)
            {
                forwarded.KnownIPNetworks.Add(GatewayOptionsValidator.ParseNetwork(network));
            }

            app.UseForwardedHeaders(forwarded);
        }

        // Only what the gateway serves itself needs the request's culture before the endpoint runs; a proxied page
        // gets it when the widget is injected (HtmlResponseTransform), and other proxied responses never need it.
        var prefix = gateway.PathPrefix;
        app.UseWhen(context => IsGatewayPath(context, prefix), static branch => branch.UseRequestLocalization());
        // In front of the proxy: the Set-Cookie headers YARP copies from the portal are decided when the response
        // starts, like any other, and the request-side sweep expires what the browser should no longer keep.
        app.UseEntConsent();
        // Everything outside the gateway's prefix goes to the portal, without routing or the middleware that only the
        // gateway's endpoints need (GatewayForwarder); nothing under the prefix ever reaches the portal.
        var forwarder = app.Services.GetRequiredService<GatewayForwarder>();
        app.MapWhen(context => !IsGatewayPath(context, prefix), proxied => proxied.Run(forwarder.ForwardAsync));

        app.UseRouting();
        app.UseRateLimiter();
        app.UseAntiforgery();
        app.MapEntConsent();
        app.MapEntConsentWidget();
        app.MapGet(gateway.PathPrefix + "/healthz", static (HttpContext context, GatewayHealth health) => health.WriteAsync(context));
        return app;
    }

    private static bool IsGatewayPath(HttpContext context, string prefix)
        => context.Request.Path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase);

    private static string LoadOrCreateSubjectKey(string path)
    {
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(path, System.Text.Encoding.ASCII, options))
        {
            writer.Write(key);
        }

        return key;
    }
}

/// <summary>Keeps the portal from answering in an encoding the gateway cannot decode to inject the widget.</summary>
internal static class AcceptEncoding
{
    public static void Restrict(HttpRequestMessage request)
    {
        if (!request.Headers.TryGetValues("Accept-Encoding", out var values))
        {
            return;
        }

        var kept = new List<string>();
        foreach (var value in values)
        {
            foreach (var item in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var coding = item.Split(';', 2)[0].Trim().ToLowerInvariant();
                if (coding is "gzip" or "br" or "identity")
                {
                    kept.Add(item);
                }
            }
        }

        request.Headers.Remove("Accept-Encoding");
        if (kept.Count > 0)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", string.Join(", ", kept));
        }
    }
}
