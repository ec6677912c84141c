namespace Ent.Portal.Pages;

/// <summary>Where the consent widget's pieces go in the page shell.</summary>
internal static class ConsentWidgetSlots
{
    public static string Head(HttpContext context) => string.Empty;

    public static string Banner(HttpContext context) => string.Empty;

    public static string ManageButton(HttpContext context)
        => $"<a href=\"/cookies\">{Localization.PortalCultures.Text("Gérer mes cookies", "Manage cookies")}</a>";

    public static string Script(HttpContext context) => string.Empty;
}
