using Ent.Portal.Audience;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Ent.Portal.Pages;

/// <summary>The portal's own audience figures (exempt measurement): page views per day and path.</summary>
public sealed class StatistiquesModel(AudienceStatistics statistics) : PageModel
{
    public IReadOnlyList<(DateOnly Day, string Path, int Views)> Rows { get; private set; } = [];

    public void OnGet() => Rows = statistics.Snapshot();
}
