using Microsoft.Extensions.Options;
using Ent.Consent.AspNetCore.Endpoints;

namespace Ent.Consent.Widget;

/// <summary>Refuses, at start-up, options the widget cannot work with.</summary>
internal sealed class ConsentWidgetOptionsValidator : IValidateOptions<ConsentWidgetOptions>
{
    public ValidateOptionsResult Validate(string? name, ConsentWidgetOptions options)
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(options.Theme))
        {
            errors.Add($"ConsentWidgetOptions.Theme {(int)options.Theme} is not a known theme.");
        }

        if (options.CookiePageUrl is { } url && url != "/" && LocalUrl.OrRoot(url) == "/" && !Uri.TryCreate(url, UriKind.Absolute, out _))
        {
            errors.Add($"ConsentWidgetOptions.CookiePageUrl must be a local path ('/cookies') or an absolute URL; it is '{url}'.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
