using System.Buffers;
using System.Text;
using Ent.Consent.Gateway.Html;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ent.Consent.Gateway.Tests;

/// <summary>
/// The injector on its own, past the banner, where it skips most tags without reading their names: every element it
/// still acts on is recognised there, whatever the tags around it and wherever the page is cut into chunks.
/// </summary>
public sealed class HtmlInjectorTests
{
    private const string Head = "[HEAD]";
    private const string Banner = "[BANNER]";
    private const string Tail = "[TAIL]";

    // After the banner: tags that share a first letter with an element the injector acts on (<table>, <strong>, <i>,
    // <nav>, <mark>, <tr>, <small>, <ins>), tags it never reads (<h2>, <b>, <li>), and names only some of whose letters
    // match (<scripted-card>, <titles>).
    private const string Filler =
        "<table class=\"t\"><tr><td><strong>x</strong></td></tr></table><nav><i>i</i><mark>m</mark></nav><h2 title='a>b'>h</h2>"
        + "<b>b</b><ul><li><small>s</small><ins>i</ins></li></ul><scripted-card data-x=\"<body>\">c</scripted-card><titles>t</titles>";

    public static TheoryData<string> RawTextElements => ["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "SCRIPT", "TextArea"];

    [Theory]
    [MemberData(nameof(RawTextElements))]
    public void A_raw_text_element_after_the_banner_hides_the_end_tags_in_it_however_the_page_is_cut(string element)
    {
        var body = Filler + $"<{element} id=\"r\"></body></html><p></{element}>" + Filler + "<!-- </body> -->" + Filler;
        var page = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>" + body + "</body></html>";

        foreach (var chunk in new[] { 1, 2, 3, 5, 7, 64, 100, page.Length })
        {
            var injected = Inject(page, chunk);

            Assert.Equal(
                "<!DOCTYPE html><html><head><meta charset=\"utf-8\">" + Head + "</head><body>" + Banner + body + Tail + "</body></html>",
                injected);
        }
    }

    [Fact]
    public void A_second_body_tag_or_a_head_element_after_the_banner_changes_nothing()
    {
        var body = Filler + "<body class=\"again\"><link rel=\"x\" href=\"/y\"><base href=\"/\"><html><head>" + Filler;
        var page = "<html><head></head><body>" + body + "</body></html>";

        foreach (var chunk in new[] { 1, 4, 9, 64, page.Length })
        {
            Assert.Equal("<html><head>" + Head + "</head><body>" + Banner + body + Tail + "</body></html>", Inject(page, chunk));
        }
    }

    // Markup after the banner, each piece leaving the page in text: tags the injector skips in whole blocks (plain:
    // double-quoted values opened right after '='), tags it must walk ('>' or '<' in values, single quotes, quotes
    // after spaces or not after '='), text holding '<' and '>', and raw text, comments and values that hold a </body>.
    private static readonly string[] Pieces =
    [
        "<p>", "</p>", "<h2>", "</h2>", "<div class=\"a b\">", "</div>", "<a href=\"/x?y=1&amp;z=2\" title=\"t\">", "</a>",
        "<li data-x=\"1\">", "<span>", "</span>", "<strong>", "<table>", "<tr>", "<td>", "<nav>", "<main>", "<i>", "<small>",
        "<section id=\"s\">", "<br/>", "<input type=\"text\" value=\"v\">", "<img alt=\"x\" src=\"/local.png\">",
        "<s>", "<tt>", "<scripts>", "<titles>", "<Meta name=\"x\" content=\"y\">", "<P CLASS=\"X\">",
        "Les conseils de classe", "l'élève", " a > b ", " a < b ", "x<3", "\"quoted\"", "it's", "Vous &amp; moi", "é€😀",
        "<a title=\"</body>\">", "<a title='</body>'>", "<a title=\"x>y\">", "<a title='x>y'>", "<a title=\"a<b\">",
        "<a data-q='say \"hi\"'>", "<a title = \"spaced </body>\">", "<a b\"c=\"x\">", "<p class=x>", "<p class=a\"b>",
        "<p title=\"a=\" data-y=\"=\">", "</p title=\"x\">", "<div data-html=\"</body></html>\">",
        "<a href=\"" + new string('x', 100) + "\">", "<a\nhref=\"/n\"\tclass=\"c\">", "<p/>", "</ p>", "<>", "< p>",
        "<script>if (a < b && c > d) document.write(\"</body>\");</script>", "<style>p > a { content: \"</body>\" }</style>",
        "<textarea></body></textarea>", "<title>x</title>", "<!-- </body> <a title=\"> -->", "<!---->", "<!x>",
        "<?php echo \"</body>\"; ?>", "<noscript>n</noscript>", "<iframe src=\"/f\"></iframe>", "<xmp></body></xmp>",
        // Values that hold what would read as plain tags, a <script> among them, if a single quote, a quote not after '=',
        // or a '>' in a double-quoted value were not noticed.
        "<a y='=\"\"><script x=\"\"'>", "<a title=\"x><script>\">", "<a b\"c=\"x><script>y<z\"\">",
    ];

    [Fact]
    public void Random_pages_come_out_with_the_tail_before_the_real_body_end_whole_or_cut_into_chunks()
    {
        var random = new Random(20261201);
        for (var round = 0; round < 400; round++)
        {
            // The real </body> in either case, and markup after it (pages often end with scripts there): it is found
            // wherever it falls, not only in the last bytes.
            var body = RandomMarkup(random, 20, 300);
            var bodyEnd = random.Next(2) == 0 ? "</body>" : "</BODY>";
            var trailer = RandomMarkup(random, 0, 40);
            var page = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>" + body + bodyEnd + trailer + "</html>";
            var expected = "<!DOCTYPE html><html><head><meta charset=\"utf-8\">" + Head + "</head><body>" + Banner + body + Tail + bodyEnd + trailer + "</html>";
            foreach (var chunk in new[] { page.Length, 7, 64, 100, 1000 })
            {
                var injected = Inject(page, chunk);
                Assert.True(expected == injected, $"round {round}, chunks of {chunk}:\n{page}\n{injected}");
            }
        }
    }

    private static string RandomMarkup(Random random, int minPieces, int maxPieces)
    {
        var markup = new StringBuilder();
        var count = random.Next(minPieces, maxPieces);
        for (var k = 0; k < count; k++)
        {
            markup.Append(Pieces[random.Next(Pieces.Length)]);
        }

        return markup.ToString();
    }

    private static string Inject(string page, int chunkSize)
    {
        var parts = new InjectionParts(Encoding.ASCII.GetBytes(Head), Encoding.ASCII.GetBytes(Banner), Encoding.ASCII.GetBytes(Tail));
        var injector = new HtmlInjector(parts, blocker: null, maxTagBytes: 64 * 1024, NullLogger.Instance);
        var output = new ArrayBufferWriter<byte>();
        var bytes = Encoding.UTF8.GetBytes(page);
        for (var offset = 0; offset < bytes.Length; offset += chunkSize)
        {
            injector.Process(bytes.AsSpan(offset, Math.Min(chunkSize, bytes.Length - offset)), output);
        }

        injector.Complete(output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }
}
