using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Ent.Consent;

/// <summary>
/// The hashing rules of the proof chain, shared by every store and usable by an auditor on an export: a record's
/// hash is SHA-256 over a canonical, length-prefixed serialization of all its fields and the previous record's hash;
/// an anchor (written when old records are purged) is hashed the same way. See <c>docs/adr/0006-proof-chain.md</c>.
/// </summary>
public static class ProofChain
{
    /// <summary>The longest text a draft field may hold.</summary>
    public const int MaxFieldLength = 512;

    /// <summary>The most services a draft may carry decisions for.</summary>
    public const int MaxDecisions = 256;

    /// <summary>
    /// The hash that the first record (and the first anchor) links to: SHA-256 of <c>ent-consent/proof-chain/1</c>.
    /// </summary>
    public static string GenesisHash { get; } = Convert.ToHexStringLower(SHA256.HashData("ent-consent/proof-chain/1"u8));

    /// <summary>The hash of a record from its fields, as every store computes it when appending and verifying.</summary>
    public static string ComputeRecordHash(long sequence, string recordId, DateTimeOffset recordedAt, ConsentProofDraft content, string previousHash)
    {
        ArgumentNullException.ThrowIfNull(recordId);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(previousHash);
        var writer = new CanonicalWriter("ent-consent/proof/1");
        writer.Write("sequence", sequence);
        writer.Write("recordId", recordId);
        writer.Write("recordedAt", recordedAt);
        writer.Write("consentId", content.ConsentId);
        writer.Write("subjectKey", content.SubjectKey);
        writer.Write("tenant", content.Tenant);
        writer.Write("timestamp", content.Timestamp);
        writer.Write("decisions", content.Decisions.Count);
        foreach (var decision in content.Decisions.OrderBy(static d => d.Key, StringComparer.Ordinal))
        {
            writer.Write("service", decision.Key);
            writer.Write("decision", ConsentWireNames.Of(decision.Value));
        }

        writer.Write("policyVersion", content.PolicyVersion);
        writer.Write("textsHash", content.TextsHash);
        writer.Write("locale", content.Locale);
        writer.Write("channel", ConsentWireNames.Of(content.Channel));
        writer.Write("userAgentFamily", content.UserAgentFamily);
        writer.Write("ipPrefix", content.IpPrefix);
        if (content.AboutSubjectKey is not null)
        {
            // Only when set: records written before the field existed keep their hash.
            writer.Write("aboutSubjectKey", content.AboutSubjectKey);
        }

        writer.Write("previousHash", previousHash);
        return writer.Finish();
    }

    /// <summary>Whether a record's stored hash matches its fields.</summary>
    public static bool HasValidHash(ConsentProof proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        return string.Equals(proof.Hash, ComputeRecordHash(proof.Sequence, proof.RecordId, proof.RecordedAt, proof.Content, proof.PreviousHash), StringComparison.Ordinal);
    }

    /// <summary>The hash of an anchor from its fields.</summary>
    public static string ComputeAnchorHash(long sequence, DateTimeOffset createdAt, DateTimeOffset cutoff, long purgedThroughSequence, string purgedThroughHash, string previousHash)
    {
        ArgumentNullException.ThrowIfNull(purgedThroughHash);
        ArgumentNullException.ThrowIfNull(previousHash);
        var writer = new CanonicalWriter("ent-consent/anchor/1");
        writer.Write("sequence", sequence);
        writer.Write("createdAt", createdAt);
        writer.Write("cutoff", cutoff);
        writer.Write("purgedThroughSequence", purgedThroughSequence);
        writer.Write("purgedThroughHash", purgedThroughHash);
        writer.Write("previousHash", previousHash);
        return writer.Finish();
    }

    /// <summary>
    /// Checks a draft and returns the form a store keeps: timestamps in UTC truncated to whole microseconds (the
    /// precision of every supported database, so that a record read back hashes as it was written).
    /// </summary>
    /// <exception cref="ArgumentException">A required field is empty, a field is too long or holds a control character, or a decision is not a defined value.</exception>
    public static ConsentProofDraft Normalize(ConsentProofDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        CheckText(draft.ConsentId, nameof(draft.ConsentId), required: true);
        CheckText(draft.SubjectKey, nameof(draft.SubjectKey), required: false);
        CheckText(draft.Tenant, nameof(draft.Tenant), required: false);
        CheckText(draft.AboutSubjectKey, nameof(draft.AboutSubjectKey), required: false);
        if (draft.AboutSubjectKey is not null && draft.SubjectKey is null)
        {
            throw new ArgumentException("A decision about another subject (AboutSubjectKey) needs the subject who acted (SubjectKey).", nameof(draft));
        }

        CheckText(draft.PolicyVersion, nameof(draft.PolicyVersion), required: true);
        CheckText(draft.TextsHash, nameof(draft.TextsHash), required: true);
        CheckText(draft.Locale, nameof(draft.Locale), required: true);
        CheckText(draft.UserAgentFamily, nameof(draft.UserAgentFamily), required: false);
        CheckText(draft.IpPrefix, nameof(draft.IpPrefix), required: false);
        if (!Enum.IsDefined(draft.Channel))
        {
            throw new ArgumentException($"Channel {(int)draft.Channel} is not a defined {nameof(ConsentChannel)}.", nameof(draft));
        }

        ArgumentNullException.ThrowIfNull(draft.Decisions, nameof(draft.Decisions));
        if (draft.Decisions.Count > MaxDecisions)
        {
            throw new ArgumentException($"A proof holds at most {MaxDecisions} decisions; this one has {draft.Decisions.Count}.", nameof(draft));
        }

        var decisions = new SortedDictionary<string, ConsentDecision>(StringComparer.Ordinal);
        foreach (var (serviceId, decision) in draft.Decisions)
        {
            CheckText(serviceId, "Decisions key", required: true);
            if (!Enum.IsDefined(decision))
            {
                throw new ArgumentException($"The decision for '{serviceId}' ({(int)decision}) is not a defined {nameof(ConsentDecision)}.", nameof(draft));
            }

            decisions.Add(serviceId, decision);
        }

        return new ConsentProofDraft
        {
            ConsentId = draft.ConsentId,
            SubjectKey = draft.SubjectKey,
            AboutSubjectKey = draft.AboutSubjectKey,
            Tenant = draft.Tenant,
            Timestamp = TruncateToMicroseconds(draft.Timestamp),
            Decisions = decisions,
            PolicyVersion = draft.PolicyVersion,
            TextsHash = draft.TextsHash,
            Locale = draft.Locale,
            Channel = draft.Channel,
            UserAgentFamily = draft.UserAgentFamily,
            IpPrefix = draft.IpPrefix,
        };
    }

    /// <summary>
    /// When a batch appended at <paramref name="now"/> is recorded: now, but never before the chain's head, so that
    /// retention (which cuts by this time) removes a prefix of the chain and never a hole in it, whatever the clocks
    /// of several nodes say.
    /// </summary>
    internal static DateTimeOffset RecordedAtAfter(DateTimeOffset headRecordedAt, DateTimeOffset now)
    {
        now = TruncateToMicroseconds(now);
        return now > headRecordedAt ? now : headRecordedAt;
    }

    /// <summary>The record that follows the one at <paramref name="previousSequence"/>, with a new time-ordered id.</summary>
    internal static ConsentProof NextRecord(long previousSequence, string previousHash, DateTimeOffset now, DateTimeOffset recordedAt, ConsentProofDraft content)
    {
        var sequence = previousSequence + 1;
        var recordId = Guid.CreateVersion7(now).ToString("N", CultureInfo.InvariantCulture);
        return new ConsentProof
        {
            Sequence = sequence,
            RecordId = recordId,
            RecordedAt = recordedAt,
            Content = content,
            PreviousHash = previousHash,
            Hash = ComputeRecordHash(sequence, recordId, recordedAt, content, previousHash),
        };
    }

    /// <summary>An instant in UTC, truncated to whole microseconds.</summary>
    public static DateTimeOffset TruncateToMicroseconds(DateTimeOffset instant)
    {
        var ticks = instant.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % 10), TimeSpan.Zero);
    }

    private static void CheckText(string? value, string field, bool required)
    {
        if (value is null)
        {
            if (required)
            {
                throw new ArgumentException($"{field} is required.", field);
            }

            return;
        }

        if (required && value.Length == 0)
        {
            throw new ArgumentException($"{field} must not be empty.", field);
        }

        if (value.Length > MaxFieldLength)
        {
            throw new ArgumentException($"{field} is {value.Length} characters long; the limit is {MaxFieldLength}.", field);
        }

        foreach (var c in value)
        {
            if (char.IsControl(c) || char.IsSurrogate(c))
            {
                throw new ArgumentException($"{field} holds a control or surrogate character (U+{(int)c:X4}).", field);
            }
        }
    }

    // Every field is written as "name:length:value\n" (length in UTF-8 bytes), a null as "name:-\n": no value can
    // be read as another field, whatever characters it holds.
    private sealed class CanonicalWriter
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public CanonicalWriter(string domain) => Write("format", domain);

        public void Write(string name, long value) => Write(name, value.ToString(CultureInfo.InvariantCulture));

        public void Write(string name, DateTimeOffset value)
            => Write(name, ((value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10).ToString(CultureInfo.InvariantCulture));

        public void Write(string name, string? value)
        {
            var builder = new StringBuilder(name.Length + (value?.Length ?? 0) + 16);
            builder.Append(name).Append(':');
            if (value is null)
            {
                builder.Append('-');
            }
            else
            {
                builder.Append(Encoding.UTF8.GetByteCount(value).ToString(CultureInfo.InvariantCulture)).Append(':').Append(value);
            }

            builder.Append('\n');
            _hash.AppendData(Encoding.UTF8.GetBytes(builder.ToString()));
        }

        public string Finish()
        {
            var hash = Convert.ToHexStringLower(_hash.GetHashAndReset());
            _hash.Dispose();
            return hash;
        }
    }
}
