using System.Globalization;
using StackExchange.Redis;

namespace Serving.Core.Monitoring.Logging.Redis;

/// <summary>
/// Writes prediction records to Redis Streams, one stream per model (<c>serving:predictions:&lt;model&gt;</c>),
/// each entry holding the record's JSON plus its id, model and version. A batch is pipelined: each model's
/// records go in one MULTI/EXEC transaction, every transaction is sent before any answer is awaited. Streams
/// are capped near <c>maxLength</c> entries with approximate trimming, which Redis does cheaply.
/// </summary>
public sealed class RedisStreamPredictionSink : IPredictionSink
{
    private readonly IConnectionMultiplexer _connection;
    private readonly long _maxLength;

    // Whether the last write threw, so that some of it may have landed all the same.
    private bool _lastWriteFailed;

    /// <param name="connection">The process's shared multiplexer; the sink does not own it and never closes it.</param>
    /// <param name="maxLength">Entries kept per stream (approximately: Redis trims whole nodes).</param>
    public RedisStreamPredictionSink(IConnectionMultiplexer connection, long maxLength)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        _connection = connection;
        _maxLength = maxLength;
    }

    /// <summary>
    /// Writes the batch, or throws <see cref="IOException"/> when Redis cannot take it, so the logger holds the
    /// batch and retries. Each model's part of a batch lands whole or not at all (a transaction). A failed write
    /// may still have landed (its answer lost or late, or the wait cancelled after EXEC went out), so after one
    /// the next write first reads each stream's newest entry and leaves out a part whose last record is already
    /// there. That holds while this sink is the stream's only writer; with several replicas on one stream, a part
    /// followed by another replica's entries can still land twice.
    /// </summary>
    public async ValueTask WriteAsync(IReadOnlyList<LoggedPrediction> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return;
        }

        var database = _connection.GetDatabase();
        var groups = batch.GroupBy(r => r.Model, StringComparer.Ordinal).ToList();
        if (_lastWriteFailed)
        {
            groups = await NotYetWrittenAsync(database, groups).ConfigureAwait(false);
        }

        var executed = new List<Task<bool>>();
        var added = new List<Task>(batch.Count);
        _lastWriteFailed = true;
        foreach (var group in groups)
        {
            var transaction = database.CreateTransaction();
            var key = new RedisKey(RedisPredictionStreams.KeyOf(group.Key));
            foreach (var record in group)
            {
                // Queued commands complete only when EXEC answers; their outcome is the transaction's.
                added.Add(transaction.StreamAddAsync(key, Entry(record), messageId: null, maxLength: _maxLength, useApproximateMaxLength: true));
            }

            executed.Add(transaction.ExecuteAsync());
        }

        try
        {
            await Task.WhenAll(executed).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Observe(added);
            throw new IOException($"Redis did not take {batch.Count} prediction records: {ex.Message}", ex);
        }
        catch (OperationCanceledException)
        {
            Observe(executed);
            Observe(added);
            throw;
        }

        if (executed.Exists(transaction => !transaction.Result))
        {
            throw new IOException("Redis did not execute the prediction log transaction");
        }

        _lastWriteFailed = false;
    }

    /// <summary>The parts of a batch whose last record is not already its stream's newest entry.</summary>
    private static async Task<List<IGrouping<string, LoggedPrediction>>> NotYetWrittenAsync(IDatabase database, List<IGrouping<string, LoggedPrediction>> groups)
    {
        var left = new List<IGrouping<string, LoggedPrediction>>(groups.Count);
        foreach (var group in groups)
        {
            StreamEntry[] newest;
            try
            {
                newest = await database.StreamRangeAsync(RedisPredictionStreams.KeyOf(group.Key), "-", "+", count: 1, messageOrder: Order.Descending).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                throw new IOException($"Redis did not answer whether the last prediction records landed: {ex.Message}", ex);
            }

            var last = group.Last().Json;
            var landed = newest.Length == 1 && newest[0][RedisPredictionStreams.RecordField] is { IsNull: false } record && ((ReadOnlyMemory<byte>)record).Span.SequenceEqual(last.Span);
            if (!landed)
            {
                left.Add(group);
            }
        }

        return left;
    }

    /// <summary>Nothing to release: the multiplexer belongs to the process, not to the sink.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    // The record's bytes are copied: the multiplexer may still hold a command after a failed or cancelled write has
    // returned, and by then the logger may have let the line's page be reused.
    private static NameValueEntry[] Entry(LoggedPrediction prediction) =>
    [
        new(RedisPredictionStreams.IdField, prediction.Id),
        new(RedisPredictionStreams.ModelField, prediction.Model),
        new(RedisPredictionStreams.VersionField, prediction.Version.ToString(CultureInfo.InvariantCulture)),
        new(RedisPredictionStreams.RecordField, prediction.Json.ToArray()),
    ];

    // A failed transaction fails its queued commands too; nobody awaits them, so mark their faults seen.
    private static void Observe(IEnumerable<Task> tasks) =>
        _ = Task.WhenAll(tasks).ContinueWith(
            static t => _ = t.Exception,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
}
