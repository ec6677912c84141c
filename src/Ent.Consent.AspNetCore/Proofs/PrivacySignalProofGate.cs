using System.Collections.Concurrent;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Ent.Consent.AspNetCore.Proofs;

/// <summary>
/// Decides whether a <c>Sec-GPC: 1</c> refusal earns a proof. The signal comes with every request of a browser
/// without a choice, so recording each one would let anyone write proofs kept for years at request rate; a
/// browser's refusal is recorded once, on a successful document navigation, and not again for the same truncated
/// address and user agent within <see cref="Window"/>.
/// </summary>
internal sealed class PrivacySignalProofGate(TimeProvider time, int capacity)
{
    /// <summary>How long a browser's privacy-signal refusal is not recorded again.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<ulong, long> _recent = new();

    public bool ShouldRecord(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) || context.Response.StatusCode >= 400 || !IsDocumentNavigation(request.Headers))
        {
            return false;
        }

        var key = Key(context);
        var now = time.GetTimestamp();
        var expiry = now + (long)(Window.TotalSeconds * time.TimestampFrequency);
        if (_recent.TryGetValue(key, out var until) && until > now)
        {
            return false;
        }

        if (_recent.Count >= capacity)
        {
            Prune(now);
            if (_recent.Count >= capacity)
            {
                // Only a flood of distinct browsers fills it; recording less beats recording without bound.
                return false;
            }
        }

        // Two racing requests of one browser: only the one that wins the slot records.
        return until == 0 ? _recent.TryAdd(key, expiry) : _recent.TryUpdate(key, expiry, until);
    }

    /// <summary>A top-level page load: what a person sees, as opposed to its images, scripts and probes.</summary>
    internal static bool IsDocumentNavigation(IHeaderDictionary headers)
    {
        var dest = headers["Sec-Fetch-Dest"];
        var mode = headers["Sec-Fetch-Mode"];
        if (dest.Count > 0 || mode.Count > 0)
        {
            return (dest.Count == 0 || dest == "document") && (mode.Count == 0 || mode == "navigate");
        }

        // Browsers without Fetch Metadata: a page load asks for HTML.
        foreach (var accept in headers.Accept)
        {
            if (accept is not null && accept.Contains("text/html", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private void Prune(long now)
    {
        foreach (var (key, until) in _recent)
        {
            if (until <= now)
            {
                _recent.TryRemove(new KeyValuePair<ulong, long>(key, until));
            }
        }
    }

    private static ulong Key(HttpContext context)
    {
        // Kept in memory for minutes only, and hashed: the cache holds no address or user agent.
        var userAgent = context.Request.Headers.UserAgent.ToString();
        var buffer = new byte[7 + Encoding.UTF8.GetMaxByteCount(Math.Min(userAgent.Length, 512))];
        var length = 0;
        if (context.Connection.RemoteIpAddress is { } address)
        {
            if (address.IsIPv4MappedToIPv6)
            {
                address = address.MapToIPv4();
            }

            Span<byte> bytes = stackalloc byte[16];
            if (address.TryWriteBytes(bytes, out var written))
            {
                // /24 for IPv4, /48 for IPv6: one household or one school's NAT stays one key.
                length = written == 4 ? 3 : 6;
                bytes[..length].CopyTo(buffer);
            }
        }

        buffer[length++] = (byte)'|';
        length += Encoding.UTF8.GetBytes(userAgent.AsSpan(0, Math.Min(userAgent.Length, 512)), buffer.AsSpan(length));
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(buffer.AsSpan(0, length), digest);
        return BinaryPrimitives.ReadUInt64LittleEndian(digest);
    }
}
