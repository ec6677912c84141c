using Microsoft.Extensions.Logging;

namespace Ent.Consent.Gateway;

/// <summary>The gateway's log messages (event ids 1100–1199).</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(1101, LogLevel.Warning, "The page had no <body> nor any body element before its end: the consent banner was appended at the end of the document.")]
    public static partial void BannerAppended(ILogger logger);

    [LoggerMessage(1102, LogLevel.Debug, "The page ended without </body>: the widget's scripts were appended at the end (a truncated or careless page).")]
    public static partial void NoBodyEnd(ILogger logger);

    [LoggerMessage(1103, LogLevel.Warning, "The page had no markup before its end: the widget's head tags were appended at the end, so the in-page guard started late.")]
    public static partial void NoHead(ILogger logger);

    [LoggerMessage(1104, LogLevel.Warning, "An HTML page from the portal uses the charset {Charset}, which is not ASCII-compatible: passed through without the consent widget.")]
    public static partial void UnsupportedCharset(ILogger logger, string charset);

    [LoggerMessage(1105, LogLevel.Warning, "An HTML page from the portal uses Content-Encoding {Encoding}, which the gateway does not decode: passed through without the consent widget.")]
    public static partial void UnsupportedEncoding(ILogger logger, string encoding);

    [LoggerMessage(1106, LogLevel.Warning, "The portal's page failed after it had started to reach the browser; the connection was aborted.")]
    public static partial void BodyFailed(ILogger logger, Exception exception);

    [LoggerMessage(1107, LogLevel.Warning, "The portal could not be reached or answered badly ({Error}); answered 502.")]
    public static partial void UpstreamFailed(ILogger logger, string error, Exception? exception);

    [LoggerMessage(1108, LogLevel.Warning, "A request carried the subject header {Header} without coming from a trusted address or with the shared secret; the header was removed.")]
    public static partial void UntrustedSubjectHeader(ILogger logger, string header);

    [LoggerMessage(1109, LogLevel.Debug, "Blocked {Count} unmarked element(s) of services not allowed in {Path}.")]
    public static partial void ContentBlocked(ILogger logger, int count, string path);
}
