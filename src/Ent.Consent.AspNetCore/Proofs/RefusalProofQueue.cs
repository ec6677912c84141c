using System.Threading.Channels;
using Ent.Consent.AspNetCore.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Ent.Consent.AspNetCore.Proofs;

/// <summary>
/// Proofs of refusals waiting for the store. A refusal takes effect at once, whatever the store's state, because
/// withholding it would keep trackers running; its proof is written here and stored by
/// <see cref="RefusalProofWriter"/>. Bounded: when full, the new proof is dropped and an error is logged.
/// </summary>
internal sealed class RefusalProofQueue
{
    private readonly Channel<ConsentProofDraft> _channel;
    private readonly ILogger _logger;
    private readonly int _capacity;

    public RefusalProofQueue(int capacity, ILogger logger)
    {
        _capacity = capacity;
        _logger = logger;
        _channel = Channel.CreateBounded<ConsentProofDraft>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    public ChannelReader<ConsentProofDraft> Reader => _channel.Reader;

    public void Enqueue(ConsentProofDraft draft)
    {
        if (!_channel.Writer.TryWrite(draft))
        {
            ConsentLog.RefusalDropped(_logger, _capacity, draft.ConsentId);
        }
    }
}
