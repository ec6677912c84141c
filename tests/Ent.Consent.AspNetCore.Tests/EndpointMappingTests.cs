using Ent.Consent.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ent.Consent.AspNetCore.Tests;

public sealed class EndpointMappingTests
{
    [Fact]
    public async Task Without_the_widget_a_missing_consent_endpoint_is_a_warning_naming_MapEntConsent()
    {
        var logs = new TestLoggerProvider();
        await using var app = Build(logs, static _ => { });

        await app.StartAsync();

        var warning = Assert.Single(logs.OwnEntries, static e => e.Id.Id == 130);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("app.MapEntConsent()", warning.Message);
    }

    [Fact]
    public async Task A_mapped_consent_endpoint_logs_no_mapping_warning()
    {
        var logs = new TestLoggerProvider();
        await using var app = Build(logs, static app => app.MapEntConsent());

        await app.StartAsync();

        Assert.DoesNotContain(logs.OwnEntries, static e => e.Id.Id == 130);
    }

    [Fact]
    public void Mapping_before_AddEntConsent_says_what_to_call()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapEntConsent());

        Assert.Contains("AddEntConsent", error.Message);
    }

    [Fact]
    public async Task The_consent_endpoints_declare_their_answers_in_the_endpoint_metadata()
    {
        await using var app = Build(new TestLoggerProvider(), static app => app.MapEntConsent());
        await app.StartAsync();
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        var get = Assert.Single(endpoints, static e => e.DisplayName == "Ent.Consent state");
        var state = Assert.Single(get.Metadata.GetOrderedMetadata<IProducesResponseTypeMetadata>());
        Assert.Equal((200, "ConsentStateDocument", "application/json"), (state.StatusCode, state.Type?.Name, Assert.Single(state.ContentTypes)));

        var post = Assert.Single(endpoints, static e => e.DisplayName == "Ent.Consent choice");
        var answers = post.Metadata.GetOrderedMetadata<IProducesResponseTypeMetadata>()
            .Select(static m => $"{m.StatusCode} {m.Type?.Name} {string.Join(',', m.ContentTypes)}").Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(
            [
                "200 ConsentStateDocument application/json",
                "303  ",
                "400 ProblemDetails application/problem+json",
                "403 ProblemDetails application/problem+json",
                "503 ProblemDetails application/problem+json",
            ],
            answers.Where(static a => !a.StartsWith("500", StringComparison.Ordinal)));
    }

    private static WebApplication Build(TestLoggerProvider logs, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Services.AddEntConsent(static o =>
        {
            TestPolicy.Configure(o.Policy);
            o.SubjectKey = "a-test-subject-key-of-at-least-32-characters";
        });
        var app = builder.Build();
        app.UseEntConsent();
        map(app);
        return app;
    }
}
