namespace Serving.Gateway.Tests.Deploy;

public sealed class PromQlSignalTests
{
    [Fact]
    public void A_threshold_comparison_becomes_a_bool_comparison()
    {
        Assert.Equal("serving:x:rate5m > bool 0.05", PromQlSignal.ComparisonsAsBool("serving:x:rate5m > 0.05"));
    }

    [Fact]
    public void Every_comparison_of_a_compound_condition_becomes_bool_and_two_character_operators_stay_whole()
    {
        Assert.Equal(
            "a >= bool 1 and on (model) b <= bool 2 or c == bool 1 or d != bool 0 or e < bool 3",
            PromQlSignal.ComparisonsAsBool("a >= 1 and on (model) b <= 2 or c == 1 or d != 0 or e < 3"));
    }

    [Fact]
    public void Label_matchers_and_quoted_strings_are_left_alone()
    {
        const string Expression = """label_replace(rate(x_total{outcome!="ok",le=~"0.5|1"}[5m]), "queue", ">", "", "") > 0""";

        Assert.Equal(
            """label_replace(rate(x_total{outcome!="ok",le=~"0.5|1"}[5m]), "queue", ">", "", "") > bool 0""",
            PromQlSignal.ComparisonsAsBool(Expression));
    }

    [Fact]
    public void A_comparison_that_already_has_bool_is_not_given_a_second()
    {
        Assert.Equal("x > bool 1", PromQlSignal.ComparisonsAsBool("x > bool 1"));
    }
}
