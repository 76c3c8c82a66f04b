using Serving.Core.Contracts;
using Serving.Core.Packaging;

namespace Serving.Core.Tests.Packaging;

public sealed class TaskInferenceTests
{
    [Fact]
    public void Two_distinct_values_are_binary() =>
        Assert.Equal(ModelTasks.Binary, TaskInference.Infer([0, 1, 1, 0, 1]));

    [Fact]
    public void Two_distinct_non_integer_values_are_still_binary() =>
        Assert.Equal(ModelTasks.Binary, TaskInference.Infer([-1.5, 2.5, 2.5]));

    [Fact]
    public void A_few_integer_classes_are_multiclass() =>
        Assert.Equal(ModelTasks.Multiclass, TaskInference.Infer([0, 1, 2, 2, 1, 0]));

    [Fact]
    public void Fractional_values_are_regression() =>
        Assert.Equal(ModelTasks.Regression, TaskInference.Infer([0.5, 1, 2, 3]));

    [Fact]
    public void Many_distinct_integers_are_regression() =>
        Assert.Equal(ModelTasks.Regression, TaskInference.Infer(Enumerable.Range(0, TaskInference.MaxInferredClasses + 1).Select(i => (double)i)));

    [Fact]
    public void Missing_labels_are_ignored() =>
        Assert.Equal(ModelTasks.Binary, TaskInference.Infer([0, double.NaN, 1]));

    [Fact]
    public void The_sample_data_sets_infer_their_tasks()
    {
        Assert.Equal(ModelTasks.Binary, TaskInference.Infer(CsvDataSet.Load(RepositoryFiles.Data("breast-cancer.csv")).Column("target")));
        Assert.Equal(ModelTasks.Multiclass, TaskInference.Infer(CsvDataSet.Load(RepositoryFiles.Data("iris.csv")).Column("target")));
        Assert.Equal(ModelTasks.Regression, TaskInference.Infer(CsvDataSet.Load(RepositoryFiles.Data("diabetes.csv")).Column("target")));
    }
}
