using System.Net;
using System.Text.RegularExpressions;
using Ent.Consent.Gateway.Html;
using Microsoft.Extensions.Options;

namespace Ent.Consent.Gateway;

/// <summary>Checks <see cref="GatewayOptions"/> when the gateway starts; each failure is one sentence naming the key.</summary>
internal sealed partial class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    // Unreserved characters only, at least one segment, no trailing slash: the prefix is pasted into URLs and CSP sources.
    [GeneratedRegex(@"^(/[A-Za-z0-9._~-]+)+$")]
    private static partial Regex PrefixPattern();

    [GeneratedRegex(@"^[a-z_][a-z0-9_]{0,47}$")]
    private static partial Regex SchemaPattern();

    [GeneratedRegex(@"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")]
    private static partial Regex TokenPattern();

    [GeneratedRegex(@"^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")]
    private static partial Regex HostPattern();

    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Upstream))
        {
            failures.Add("Gateway:Upstream is required: the address of the portal behind the gateway, for example http://127.0.0.1:8080.");
        }
        else if (!Uri.TryCreate(options.Upstream, UriKind.Absolute, out var upstream) || upstream.Scheme is not ("http" or "https") || upstream.Query.Length > 0 || upstream.Fragment.Length > 0)
        {
            failures.Add($"Gateway:Upstream '{options.Upstream}' is not an absolute http or https address without query.");
        }

        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add("Gateway:DataDirectory must name a folder (default gateway-data).");
        }

        if (options.PostgreSql is { } postgreSql)
        {
            try
            {
                var connection = new Npgsql.NpgsqlConnectionStringBuilder(postgreSql);
                if (string.IsNullOrEmpty(connection.Host))
                {
                    failures.Add("Gateway:PostgreSql names no Host: give a connection string such as Host=db.example;Database=consent;Username=gateway.");
                }
            }
            catch (ArgumentException exception)
            {
                failures.Add($"Gateway:PostgreSql is not a valid PostgreSQL connection string ({exception.Message}).");
            }
        }

        if (!SchemaPattern().IsMatch(options.PostgreSqlSchema ?? string.Empty))
        {
            failures.Add($"Gateway:PostgreSqlSchema '{options.PostgreSqlSchema}' must be a lower-case SQL identifier (1 to 48 letters, digits or _, not starting with a digit; default ent_consent).");
        }

        if (!PrefixPattern().IsMatch(options.PathPrefix ?? string.Empty))
        {
            failures.Add($"Gateway:PathPrefix '{options.PathPrefix}' must start with '/', have no trailing slash and use only letters, digits and . _ ~ - (default /.ent-consent).");
        }
        else if (options.PathPrefix is "/index.html" or "/static" or "/assets" or "/api" or "/login" or "/logout" or "/consent")
        {
            failures.Add($"Gateway:PathPrefix '{options.PathPrefix}' is a path portals commonly use; choose one no portal routes to, such as the default /.ent-consent.");
        }

        if (options.SubjectHeader is { } header && !TokenPattern().IsMatch(header))
        {
            failures.Add($"Gateway:SubjectHeader '{header}' is not a valid header name.");
        }

        if (!TokenPattern().IsMatch(options.SubjectSecretHeader ?? string.Empty))
        {
            failures.Add($"Gateway:SubjectSecretHeader '{options.SubjectSecretHeader}' is not a valid header name.");
        }

        if (options.SubjectSecret is { } secret && secret.Length < 32)
        {
            failures.Add("Gateway:SubjectSecret must be at least 32 characters: it is all that stands between a browser and any identity it claims.");
        }

        if (options.SubjectResponseHeader is { } responseHeader && !TokenPattern().IsMatch(responseHeader))
        {
            failures.Add($"Gateway:SubjectResponseHeader '{responseHeader}' is not a valid header name.");
        }

        if (options.SubjectHeader is not null && options.SubjectSecret is null && options.SubjectHeaderFrom.Count == 0)
        {
            failures.Add("Gateway:SubjectHeader is set but nothing vouches for it: give Gateway:SubjectHeaderFrom (the front's addresses) or Gateway:SubjectSecret.");
        }

        if (options.SubjectHeader is null && (options.SubjectSecret is not null || options.SubjectHeaderFrom.Count > 0))
        {
            failures.Add("Gateway:SubjectSecret and Gateway:SubjectHeaderFrom only make sense with Gateway:SubjectHeader.");
        }

        if (options.SessionCookie is { } cookie && !TokenPattern().IsMatch(cookie))
        {
            failures.Add($"Gateway:SessionCookie '{cookie}' is not a valid cookie name.");
        }

        CheckNetworks(options.SubjectHeaderFrom, "Gateway:SubjectHeaderFrom", failures);
        CheckNetworks(options.ForwardedHeadersFrom, "Gateway:ForwardedHeadersFrom", failures);

        for (var i = 0; i < options.Block.Count; i++)
        {
            var rule = options.Block[i];
            var key = $"Gateway:Block:{i}";
            if (string.IsNullOrWhiteSpace(rule.Service))
            {
                failures.Add($"{key}:Service is required: the declared service the content belongs to.");
            }

            if (rule.Host is null == rule.Selector is null)
            {
                failures.Add($"{key} needs exactly one of Host or Selector.");
            }

            if (rule.Host is { } host && !HostPattern().IsMatch(host))
            {
                failures.Add($"{key}:Host '{host}' must be a lower-case host name, optionally starting with '*.' (no scheme, port or path).");
            }

            if (rule.Selector is { } selector && !SimpleSelector.TryParse(selector, out _))
            {
                failures.Add($"{key}:Selector '{selector}' is not a simple selector (tag, #id, .class, [attribute], [attribute=value], ^=, *=, $=; no combinators).");
            }
        }

        foreach (var (host, tenant) in options.Tenants)
        {
            var key = $"Gateway:Tenants:{host}";
            if (host.StartsWith("*.", StringComparison.Ordinal) || !HostPattern().IsMatch(host.ToLowerInvariant()))
            {
                failures.Add($"{key}: '{host}' must be a host name as browsers send it (no scheme, port, path or wildcard).");
            }

            if (string.IsNullOrWhiteSpace(tenant.Id) || tenant.Id.Length > 64 || tenant.Id.Trim() != tenant.Id)
            {
                failures.Add($"{key}:Id is required: the tenant recorded in this host's proofs (a school's UAI), at most 64 characters without surrounding spaces.");
            }
        }

        var tenantIds = options.Tenants.Values.Select(static t => t.Id).Where(static id => id is not null).ToList();
        if (tenantIds.Count != tenantIds.Distinct(StringComparer.Ordinal).Count())
        {
            failures.Add("Gateway:Tenants: two hosts have the same Id; one tenant with two policies would make its proofs ambiguous.");
        }

        if (options.MaxRequestBodySize <= 0)
        {
            failures.Add("Gateway:MaxRequestBodySize must be positive (bytes).");
        }

        if (options.MaxResponseHeadersKilobytes is < 16 or > 4096)
        {
            failures.Add("Gateway:MaxResponseHeadersKilobytes must be between 16 and 4096.");
        }

        if (options.ProofCheckpointInterval < TimeSpan.Zero)
        {
            failures.Add("Gateway:ProofCheckpointInterval must be zero (no checkpoints) or positive (for example 00:10:00).");
        }

        if (options.UpstreamTimeout <= TimeSpan.Zero || options.ConnectTimeout <= TimeSpan.Zero)
        {
            failures.Add("Gateway:UpstreamTimeout and Gateway:ConnectTimeout must be positive (for example 00:01:40).");
        }

        if (options.MaxTagBytes is < 1024 or > 1024 * 1024)
        {
            failures.Add("Gateway:MaxTagBytes must be between 1024 and 1048576.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckNetworks(IList<string> networks, string key, List<string> failures)
    {
        foreach (var network in networks)
        {
            if (!TryParseNetwork(network, out _))
            {
                failures.Add($"{key} entry '{network}' is not an IP address or CIDR range (10.0.0.0/8, ::1).");
            }
        }
    }

    internal static bool TryParseNetwork(string text, out IPNetwork network)
    {
        if (IPAddress.TryParse(text, out var address))
        {
            network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return IPNetwork.TryParse(text, out network);
    }

    internal static IPNetwork ParseNetwork(string text)
        => TryParseNetwork(text, out var network) ? network : throw new FormatException($"'{text}' is not an IP address or CIDR range.");
}
