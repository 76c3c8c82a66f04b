using Serving.Core.Events.Outbox;
using Serving.Core.Tests.Support;

namespace Serving.Core.Tests.Events.Outbox;

/// <summary>
/// The outbox's file when the disk fills in the middle of an append: the half line is cut off, so the next append
/// starts on a line of its own and a restart reads every record that was acknowledged.
/// </summary>
public sealed class OutboxJournalTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("outbox-journal-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static OutboxRecord Event(string id) => new()
    {
        Op = OutboxRecord.EventOp,
        Event = id,
        At = DateTimeOffset.Parse("2026-06-01T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
        Type = "drift.detected",
        Body = new string('x', 300),
    };

    [Fact]
    public void An_append_the_disk_cuts_off_part_way_is_cut_back_and_the_next_one_reads_back_whole()
    {
        var path = Path.Combine(_folder, "outbox.jsonl");
        var disk = new TornWrites.Trigger();
        using var journal = new OutboxJournal(path, p => new TornWrites(p, disk));
        journal.Append([Event("e1")]);
        var before = File.ReadAllBytes(path);

        disk.Arm();
        Assert.Throws<IOException>(() => journal.Append([Event("e2")]));
        Assert.Equal(before, File.ReadAllBytes(path));

        journal.Append([Event("e3")]);
        var records = new OutboxJournal(path).Read(out var unreadable);
        Assert.Equal(0, unreadable);
        Assert.Equal(["e1", "e3"], records.Select(r => r.Event));
    }

}
