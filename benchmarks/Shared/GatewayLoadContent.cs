using System.Text;

namespace Ent.Consent.Benchmarks.Shared;

/// <summary>
/// What the gateway benchmarks serve, in one place: the load run's upstream (Ent.Consent.GatewayLoad) and the
/// in-process <c>GatewayPageBenchmarks</c> measure the very same page and stylesheet.
/// </summary>
internal static class GatewayLoadContent
{
    /// <summary>A portal page of about 20 KB, UTF-8: a head with a script and a stylesheet, a body of news items.</summary>
    public static byte[] Page()
    {
        var html = new StringBuilder(21 * 1024);
        html.Append("<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Actualités - ENT</title>")
            .Append("<link rel=\"stylesheet\" href=\"/static.css\"><script src=\"/app.js\" defer></script></head><body>")
            .Append("<header><nav><a href=\"/\">Accueil</a> <a href=\"/cahier-de-textes\">Cahier de textes</a></nav></header><main>");
        var item = 0;
        while (html.Length < 20 * 1024 - 200)
        {
            html.Append("<article class=\"portal-block\"><h2>Actualité ").Append(item++)
                .Append("</h2><p>Les conseils de classe du deuxième trimestre auront lieu la semaine prochaine ; les horaires sont affichés au CDI.</p></article>");
        }

        html.Append("</main><footer><p>Lycée Exemple</p></footer></body></html>");
        return Encoding.UTF8.GetBytes(html.ToString());
    }

    /// <summary>A stylesheet of about 20 KB.</summary>
    public static byte[] Stylesheet()
        => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(".portal-block{margin:0 0 1rem;padding:.5rem;color:#1e1e1e}\n", 20 * 1024 / 58)));
}
