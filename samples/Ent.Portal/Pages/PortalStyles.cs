namespace Ent.Portal.Pages;

/// <summary>The portal's style sheet, served from <c>/portal.css</c> (no inline style, so a strict CSP fits).</summary>
internal static class PortalStyles
{
    public const string Css = """
        :root { color-scheme: light; --portal-blue: #000091; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 1rem/1.5 system-ui, "Marianne", Arial, sans-serif; color: #161616; background: #fff; }
        a { color: var(--portal-blue); }
        :focus-visible { outline: 3px solid var(--portal-blue); outline-offset: 2px; }
        .skip { position: absolute; left: -9999px; }
        .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; z-index: 10; }
        header.site, footer.site { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; padding: 1rem 1.5rem; background: #f6f6f6; }
        header.site { border-bottom: 4px solid var(--portal-blue); }
        footer.site { border-top: 1px solid #ddd; margin-top: 2rem; }
        .brand { font-weight: 700; font-size: 1.25rem; margin: 0; }
        nav ul, footer ul { display: flex; gap: 1rem; list-style: none; margin: 0; padding: 0; flex-wrap: wrap; }
        .account { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin-left: auto; }
        .account p { margin: 0; }
        form { margin: 0; }
        nav.language ul { gap: .25rem; }
        button { font: inherit; padding: .4rem .8rem; border: 1px solid var(--portal-blue); background: #fff; color: var(--portal-blue); cursor: pointer; }
        main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem; }
        iframe { max-width: 100%; border: 0; }
        table { border-collapse: collapse; }
        th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; }
        """;
}
