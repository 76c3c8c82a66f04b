using Serving.Core.Contracts;

namespace Serving.Cli.Retraining;

/// <summary>
/// One run: its id, what triggered it, where it stands, and its log (the stage lines and a command job's output,
/// the last <see cref="MaxLogLines"/> lines kept here; the whole log is in the run's folder). Thread-safe: the run
/// writes while the status endpoint reads.
/// </summary>
public sealed class RetrainRun
{
    /// <summary>Log lines kept in memory per run.</summary>
    public const int MaxLogLines = 500;

    private readonly Lock _lock = new();
    private readonly LinkedList<string> _log = new();
    private readonly List<string> _coalesced = [];
    private string _stage = RunStages.Queued;
    private string? _message;
    private DateTimeOffset? _finished;
    private int? _version;
    private int? _parentVersion;
    private EvaluationLineage? _evaluation;
    private string? _dataSha256;
    private DvcLive.DvcLiveFiles? _dvcLive;
    private string? _tracking;

    public RetrainRun(string id, RetrainTrigger trigger, DateTimeOffset started, string directory)
    {
        Id = id;
        Trigger = trigger;
        Started = started;
        Directory = directory;
    }

    public string Id { get; }

    public RetrainTrigger Trigger { get; }

    public DateTimeOffset Started { get; }

    /// <summary>The run's working folder: its CSVs, the job's output and the full log.</summary>
    public string Directory { get; }

    public string Stage
    {
        get
        {
            lock (_lock)
            {
                return _stage;
            }
        }
    }

    /// <summary>Sets the stage (and, when it ends the run, the end time and the reason).</summary>
    public void Enter(string stage, DateTimeOffset now, string? message = null)
    {
        lock (_lock)
        {
            _stage = stage;
            _message = message ?? _message;
            if (RunStages.IsFinal(stage))
            {
                _finished = now;
            }
        }
    }

    public void Published(int version)
    {
        lock (_lock)
        {
            _version = version;
        }
    }

    public void Judged(int? parentVersion, EvaluationLineage evaluation, string dataSha256)
    {
        lock (_lock)
        {
            _parentVersion = parentVersion;
            _evaluation = evaluation;
            _dataSha256 = dataSha256;
        }
    }

    /// <summary>Where the run's DVCLive files were written.</summary>
    public void DvcLiveWritten(DvcLive.DvcLiveFiles? files)
    {
        lock (_lock)
        {
            _dvcLive = files;
        }
    }

    /// <summary>Where the run's MLflow tracking stands (its run and link, or <c>failed: reason</c>).</summary>
    public void Tracked(string tracking)
    {
        lock (_lock)
        {
            _tracking = tracking;
        }
    }

    /// <summary>A trigger that came while this run was going: recorded here, and no second run starts for it.</summary>
    public void Coalesce(string what)
    {
        lock (_lock)
        {
            _coalesced.Add(what);
        }
    }

    public void Log(string line)
    {
        // Under the lock, file included: a command's standard output and error arrive on two threads at once, and
        // two appends racing for the file would lose one of the lines.
        lock (_lock)
        {
            _log.AddLast(line);
            if (_log.Count > MaxLogLines)
            {
                _log.RemoveFirst();
            }

            try
            {
                File.AppendAllText(Path.Combine(Directory, "run.log"), line + "\n");
            }
            catch (IOException)
            {
                // The folder went away (or the disk is full): the lines kept in memory still show on the status endpoint.
            }
        }
    }

    /// <summary>A consistent copy for the status endpoint.</summary>
    public RunView View(bool withLog)
    {
        lock (_lock)
        {
            return new RunView
            {
                Id = Id,
                Model = Trigger.Model,
                Stage = _stage,
                EventId = Trigger.EventId,
                EventType = Trigger.EventType,
                Started = Started,
                Finished = _finished,
                Message = _message,
                Version = _version,
                ParentVersion = _parentVersion,
                Verdict = _evaluation?.Verdict,
                Evaluation = _evaluation,
                DataSha256 = _dataSha256,
                DvcLive = _dvcLive,
                Tracking = _tracking,
                Coalesced = [.. _coalesced],
                Log = withLog ? [.. _log] : null,
            };
        }
    }
}
