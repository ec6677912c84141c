using System.IO.Compression;
using System.Security.Cryptography;

namespace Ent.Consent.Widget;

/// <summary>A file the widget serves from its assembly, with its hashes and a gzip copy computed once.</summary>
internal sealed class WidgetAsset
{
    private WidgetAsset(string fileName, string contentType, byte[] content)
    {
        FileName = fileName;
        ContentType = contentType;
        Content = content;
        Gzipped = Gzip(content);
        var sha256 = SHA256.HashData(content);
        Version = Convert.ToHexStringLower(sha256)[..16];
        ETag = $"\"{Version}\"";
        Integrity = "sha384-" + Convert.ToBase64String(SHA384.HashData(content));
    }

    public static WidgetAsset Script { get; } = Load("widget.js", "text/javascript; charset=utf-8");

    public static WidgetAsset Style { get; } = Load("widget.css", "text/css; charset=utf-8");

    public static WidgetAsset Guard { get; } = Load("guard.js", "text/javascript; charset=utf-8");

    public static WidgetAsset Signals { get; } = Load("signals.js", "text/javascript; charset=utf-8");

    /// <summary>The consent console's own rules, on top of <see cref="Style"/>.</summary>
    public static WidgetAsset Console { get; } = Load("console.css", "text/css; charset=utf-8");

    public string FileName { get; }

    public string ContentType { get; }

    public byte[] Content { get; }

    public byte[] Gzipped { get; }

    /// <summary>A content hash put in the URL, so a new release is a new URL and old copies can be cached for a year.</summary>
    public string Version { get; }

    public string ETag { get; }

    /// <summary>The Subresource Integrity value (<c>sha384-…</c>) of <see cref="Content"/>.</summary>
    public string Integrity { get; }

    /// <summary>An asset made at run time (<see cref="PolicyScript"/>), hashed and compressed once like the built-in ones.</summary>
    public static WidgetAsset Create(string fileName, string contentType, byte[] content) => new(fileName, contentType, content);

    private static WidgetAsset Load(string fileName, string contentType)
    {
        using var stream = typeof(WidgetAsset).Assembly.GetManifestResourceStream("Ent.Consent.Widget.Assets." + fileName)
            ?? throw new InvalidOperationException($"The widget asset '{fileName}' is missing from the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return new WidgetAsset(fileName, contentType, copy.ToArray());
    }

    private static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return output.ToArray();
    }
}
