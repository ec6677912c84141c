using System.Text;
using Ent.Consent.Gateway.Html;

namespace Ent.Consent.Gateway.Tests;

/// <summary>
/// The injector's search for '&lt;', '&gt;' and quotes, kept 64 bytes at a time: the same answers as a byte-by-byte
/// reading wherever the bytes fall against the blocks, the last partial block included.
/// </summary>
public sealed class MarkupIndexTests
{
    [Fact]
    public void Every_search_from_every_position_gives_the_byte_by_byte_answer()
    {
        var random = new Random(20261201);
        var alphabet = "<>\"'= ab/\n"u8.ToArray();
        foreach (var length in new[] { 0, 1, 63, 64, 65, 127, 128, 200, 333 })
        {
            var data = new byte[length];
            for (var k = 0; k < length; k++)
            {
                data[k] = alphabet[random.Next(alphabet.Length)];
            }

            var index = new MarkupIndex(data);
            // Forward and backward, as the injector's other searches move it to and fro.
            foreach (var from in Enumerable.Range(0, length + 2).Concat(Enumerable.Range(0, length + 2).Reverse()))
            {
                Assert.Equal(First(data, from, "<"), index.NextLessThan(from));
                Assert.Equal(First(data, from, ">"), index.NextGreaterThan(from));
                Assert.Equal(First(data, from, ">\"'"), index.NextGreaterThanOrQuote(from));
                Assert.Equal(First(data, from, "\""), index.NextQuote(from, (byte)'"'));
                Assert.Equal(First(data, from, "'"), index.NextQuote(from, (byte)'\''));
            }
        }
    }

    [Theory]
    [InlineData("<p>", 2)]
    [InlineData("<a href=\"x>y\">", 13)]
    [InlineData("<a title='it\"s'>", 15)]
    [InlineData("<a b=\"1\" c = 'x>' d>", 19)]
    [InlineData("<a b\"c>", 6)]
    [InlineData("<a href=\"never closed>", -1)]
    [InlineData("<a", -1)]
    public void A_tag_ends_at_its_first_greater_than_outside_a_quoted_value(string tag, int end)
    {
        // Shifted across a block boundary too: the tag starts anywhere in the first block.
        foreach (var shift in new[] { 0, 30, 60, 63 })
        {
            var data = Encoding.ASCII.GetBytes(new string(' ', shift) + tag);
            Assert.Equal(end < 0 ? -1 : end + shift, HtmlInjector.FindTagEnd(data, shift + 1));
        }
    }

    private static int First(byte[] data, int from, string any)
    {
        for (var k = from; k < data.Length; k++)
        {
            if (any.Contains((char)data[k], StringComparison.Ordinal))
            {
                return k;
            }
        }

        return -1;
    }
}
