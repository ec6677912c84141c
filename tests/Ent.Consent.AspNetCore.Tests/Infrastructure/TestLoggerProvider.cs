using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Ent.Consent.AspNetCore.Tests.Infrastructure;

/// <summary>Keeps every log message, so tests can check what was logged and that no cookie value was.</summary>
internal sealed class TestLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, LogLevel Level, EventId Id, string Message)> _entries = new();

    public IReadOnlyList<(string Category, LogLevel Level, EventId Id, string Message)> Entries => [.. _entries];

    /// <summary>What Ent.Consent itself logged.</summary>
    public IReadOnlyList<(string Category, LogLevel Level, EventId Id, string Message)> OwnEntries => [.. _entries.Where(static e => e.Category.StartsWith("Ent.Consent", StringComparison.Ordinal))];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(TestLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => provider._entries.Enqueue((category, logLevel, eventId, formatter(state, exception)));
    }
}
