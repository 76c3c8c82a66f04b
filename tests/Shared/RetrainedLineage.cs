using Serving.Core.Contracts;
using Serving.Core.Packaging;

namespace Serving.Tests.Shared;

/// <summary>Gives a version's manifest the lineage the retrainer writes (MLflow run, DVC data version, parent, event, verdict), for the lineage views.</summary>
internal static class RetrainedLineage
{
    public const string RunId = "0d7c3e1b9a2f4c58b6e4a1f2c3d4e5f6";
    public const string RunUrl = "http://mlflow.example:5000/#/experiments/1/runs/0d7c3e1b9a2f4c58b6e4a1f2c3d4e5f6";
    public const string DataMd5 = "e5ebd4c02cefbe7955977c67ada242b7";
    public const string DataPath = "retraining/iris.csv";

    public static void WriteInto(string versionDirectory)
    {
        var manifest = ManifestSerializer.Read(versionDirectory);
        ManifestSerializer.Write(versionDirectory, manifest with
        {
            Lineage = manifest.Lineage! with
            {
                Mlflow = new MlflowLineage { RunId = RunId, RegisteredModel = "iris", Version = "2" },
                Retraining = new RetrainingLineage
                {
                    RunId = "20261207-120000-abcd",
                    ParentVersion = 1,
                    EventId = "evt-drift-1",
                    EventType = "drift.detected",
                    DataSha256 = new string('a', 64),
                    DataVersion = new TrainingDataReference { File = "combined.csv", Sha256 = new string('a', 64), Rows = 300, Md5 = DataMd5, Size = 8, Path = DataPath, DvcFile = DataPath + ".dvc" },
                    OriginalRows = 150,
                    LoggedRows = 150,
                    Evaluation = new EvaluationLineage
                    {
                        Metric = "accuracy",
                        Margin = 0.01,
                        Verdict = "passed",
                        HeldOutRows = 30,
                        Candidate = new Dictionary<string, double> { ["accuracy"] = 0.96 },
                        Stable = new Dictionary<string, double> { ["accuracy"] = 0.9 },
                    },
                },
            },
        });
    }
}
