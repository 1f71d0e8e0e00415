namespace IvrVoice.Production.Tests.Observability;

/// <summary>The strict exposition-format reader the metrics tests rely on: it accepts valid text and refuses what Prometheus would.</summary>
public sealed class PrometheusTextTests
{
    private const string Valid = """
        # HELP requests_total Requests.
        # TYPE requests_total counter
        requests_total{route="/a",status="200"} 3
        requests_total{route="/b \"q\" \\ \n",status="404"} 1
        # TYPE latency histogram
        latency_bucket{le="0.1"} 1
        latency_bucket{le="1"} 2
        latency_bucket{le="+Inf"} 3
        latency_sum 4.5
        latency_count 3
        # TYPE breaker gauge
        breaker{provider="gemini"} 2

        """;

    [Fact]
    public void Parse_ValidExposition_ReadsEverySample()
    {
        IReadOnlyList<PrometheusSample> samples = PrometheusText.Parse(Valid.ReplaceLineEndings("\n"));

        Assert.Equal(8, samples.Count);
        Assert.Equal("/b \"q\" \\ \n", samples[1].Label("route"));
        Assert.Equal("histogram", samples.Single(s => s.Name == "latency_sum").Type);
        Assert.Equal(2, samples.Single(s => s.Family == "breaker").Value);
    }

    [Theory]
    [InlineData("1bad 1", "no metric name")]
    [InlineData("ok{1a=\"x\"} 1", "bad label name")]
    [InlineData("ok{a=\"x} 1", "unterminated")]
    [InlineData("ok{a=\"\\x\"} 1", "bad escape")]
    [InlineData("ok{a=\"x\",a=\"y\"} 1", "twice")]
    [InlineData("ok one", "bad value")]
    [InlineData("ok 1 2 3", "timestamp")]
    [InlineData("ok 1\nok 2", "duplicate series")]
    [InlineData("a 1\nb 1\na{x=\"1\"} 1", "not contiguous")]
    [InlineData("a 1\n# TYPE a counter", "after its samples")]
    [InlineData("# TYPE a counter\n# TYPE a counter", "twice")]
    [InlineData("# TYPE a countr", "unknown type")]
    [InlineData("# TYPE c counter\nc -1", "counter c has value")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_sum 1\nh_count 2", "no +Inf")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 3\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 2", "not cumulative")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3", "differs from _count")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1", "no _count")]
    public void Parse_InvalidExposition_IsRefusedWithTheReason(string text, string reason)
    {
        FormatException error = Assert.Throws<FormatException>(() => PrometheusText.Parse(text));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
