import Telemetry
import Testing

@Suite struct PrometheusTextParserTests {
    let options = IngestOptions(ingestTimeMilliseconds: 1_700_000_000_000, maximumAgeMilliseconds: .max / 2)
    let parser = PrometheusTextParser()

    /// The example of the Prometheus exposition format documentation, verbatim.
    static let documentationExample = #"""
        # HELP http_requests_total The total number of HTTP requests.
        # TYPE http_requests_total counter
        http_requests_total{method="post",code="200"} 1027 1395066363000
        http_requests_total{method="post",code="400"}    3 1395066363000

        # Escaping in label values:
        msdos_file_access_time_seconds{path="C:\\DIR\\FILE.TXT",error="Cannot find file:\n\"FILE.TXT\""} 1.458255915e9

        # Minimalistic line:
        metric_without_timestamp_and_labels 12.47

        # A weird metric from before the epoch:
        something_weird{problem="division by zero"} +Inf -3982045

        # A histogram, which has a pretty complex representation in the text format:
        # HELP http_request_duration_seconds A histogram of the request duration.
        # TYPE http_request_duration_seconds histogram
        http_request_duration_seconds_bucket{le="0.05"} 24054
        http_request_duration_seconds_bucket{le="0.1"} 33444
        http_request_duration_seconds_bucket{le="0.2"} 100392
        http_request_duration_seconds_bucket{le="0.5"} 129389
        http_request_duration_seconds_bucket{le="1"} 133988
        http_request_duration_seconds_bucket{le="+Inf"} 144320
        http_request_duration_seconds_sum 53423
        http_request_duration_seconds_count 144320

        # Finally a summary, which has a complex representation, too:
        # HELP rpc_duration_seconds A summary of the RPC duration in seconds.
        # TYPE rpc_duration_seconds summary
        rpc_duration_seconds{quantile="0.01"} 3102
        rpc_duration_seconds{quantile="0.05"} 3272
        rpc_duration_seconds{quantile="0.5"} 4773
        rpc_duration_seconds{quantile="0.9"} 9001
        rpc_duration_seconds{quantile="0.99"} 76656
        rpc_duration_seconds_sum 1.7560473e+07
        rpc_duration_seconds_count 2693

        """#

    @Test func theDocumentationExampleParses() throws {
        let batch = parser.parse(Self.documentationExample, options: options)
        #expect(batch.errors.isEmpty)
        #expect(batch.rejections.nonFinite == 1)
        #expect(batch.count == 19)
        #expect(batch.key(at: 0) == SeriesKey(metric: "http_requests_total", labels: ["method": "post", "code": "200"]))
        #expect(batch.samples[0] == Sample(timestampMilliseconds: 1_395_066_363_000, value: 1027))
        #expect(batch.samples[1].value == 3)
        let escaped = SeriesKey(
            metric: "msdos_file_access_time_seconds", labels: ["path": #"C:\DIR\FILE.TXT"#, "error": "Cannot find file:\n\"FILE.TXT\""]
        )
        #expect(batch.key(at: 2) == escaped)
        #expect(batch.samples[2] == Sample(timestampMilliseconds: options.ingestTimeMilliseconds, value: 1.458255915e9))
        #expect(batch.key(at: 3) == SeriesKey(metric: "metric_without_timestamp_and_labels", labels: [:]))
        #expect(batch.key(at: 9) == SeriesKey(metric: "http_request_duration_seconds_bucket", labels: ["le": "+Inf"]))
        #expect(batch.samples[17].value == 1.7560473e+07)
    }

    @Test func nanAndInfinitiesAreCountedNotKept() {
        let batch = parser.parse("a NaN\nb +Inf\nc -Inf\nd 1\n", options: options)
        #expect(batch.errors.isEmpty)
        #expect(batch.count == 1)
        #expect(batch.rejections.nonFinite == 3)
    }

    @Test func timestampsOutsideTheWindowAreCounted() {
        let window = IngestOptions(ingestTimeMilliseconds: 1_700_000_000_000)
        let batch = parser.parse("a 1 1395066363000\na 1 1699999999000\n", options: window)
        #expect(batch.count == 1)
        #expect(batch.rejections.outOfWindow == 1)
        #expect(batch.firstDrop?.location == .line(1), "named for the partial-write answer")
    }

    @Test func prometheus3QuotedNamesAreNamesLikeAnyOther() {
        let body = #"""
            # TYPE "http.server.duration" gauge
            {"http.server.duration", "http.method"="GET", job="api"} 0.25
            "http.server.duration"{"http.method"="PUT"} 0.5
            {"name.1"} 1
            metric_name{"dotted.label"="bla"} 3.14

            """#
        let batch = parser.parse(body, options: options)
        #expect(batch.errors.isEmpty, "\(batch.errors)")
        #expect(batch.count == 4)
        #expect(batch.key(at: 0) == SeriesKey(metric: "http.server.duration", labels: ["http.method": "GET", "job": "api"]))
        #expect(batch.key(at: 1) == SeriesKey(metric: "http.server.duration", labels: ["http.method": "PUT"]))
        #expect(batch.key(at: 2) == SeriesKey(metric: "name.1", labels: [:]))
        #expect(batch.key(at: 3) == SeriesKey(metric: "metric_name", labels: ["dotted.label": "bla"]))
    }

    @Test(arguments: [
        ("# HELP up one\n# HELP up two\n", 2, #"second # HELP for metric "up""#),
        ("# TYPE up gauge\n# TYPE up counter\n", 2, #"second # TYPE for metric "up", or a # TYPE after its samples"#),
        ("up 1\n# TYPE up gauge\n", 2, #"second # TYPE for metric "up", or a # TYPE after its samples"#),
        ("# TYPE up meter\n", 1, #"unknown metric type "meter" (counter, gauge, histogram, gaugehistogram, summary or untyped)"#),
        ("# TYPE rpc summary\nrpc{quantile=\"high\"} 1\n", 2, #"quantile "high" of summary "rpc" is not a number"#),
        ("# TYPE rpc histogram\nrpc_bucket{le=\"0x1p-3\"} 1\n", 2, #"le "0x1p-3" of histogram "rpc" is not a number"#),
        ("# TYPE rpc histogram\nrpc_count -3\n", 2, #"negative count for histogram "rpc""#),
        ("# TYPE rpc histogram\nrpc_bucket{le=\"1\"} -3\n", 2, #"negative bucket population for histogram "rpc""#),
        ("up{__name__=\"x\"} 1\n", 1, #"label name "__name__" is reserved: the metric name goes before the braces"#),
        ("{\"a.b\",\"c.d\"} 1\n", 1, #"multiple metric names: "c.d" after one"#),
        ("{job=\"a\"} 1\n", 1, "invalid metric name: a sample needs one"),
        ("up 1\nup 2", 2, "the last line does not end with a newline (the text format requires one)"),
    ])
    func whatTheReferenceRejectsIsRejectedWithItsLine(body: String, line: Int, message: String) {
        let batch = parser.parse(body, options: options)
        #expect(batch.errors == [IngestError(.line(line), message)])
    }

    @Test func aHistogramsBucketsSumAndCountBelongToItsTypeLineAndAllAreSeries() {
        // The HELP of rpc_count is the HELP of the histogram rpc, so a second one for rpc is the family's second.
        let body = "# TYPE rpc histogram\nrpc_bucket{le=\"1\"} 2\nrpc_bucket{le=\"+Inf\"} 3\nrpc_sum 4\nrpc_count 3\n"
            + "# HELP rpc_count the calls\n# HELP rpc the calls\n"
        let batch = parser.parse(body, options: options)
        #expect(batch.errors == [IngestError(.line(7), #"second # HELP for metric "rpc""#)])
        #expect(batch.count == 4)
        #expect(batch.key(at: 3) == SeriesKey(metric: "rpc_count", labels: [:]))
    }

    @Test func emptyLabelValuesMeanNoLabelAndTrailingCommasAreAllowed() {
        let batch = parser.parse(#"up{job="api",instance="",} 1"# + "\n", options: options)
        #expect(batch.errors.isEmpty)
        #expect(batch.key(at: 0) == SeriesKey(metric: "up", labels: ["job": "api"]))
    }

    @Test(arguments: [
        (#"up{job="a\tb"} 1"#, #"label "job": invalid escape "\t" (only \\, \" and \n)"#),
        (#"up{job="api} 1"#, #"label "job": no closing quote"#),
        (#"up{job=api} 1"#, #"label "job": value must be in double quotes"#),
        (#"up{job="a",job="b"} 1"#, #"label "job" appears twice"#),
        ("up", "missing value"),
        ("up one", #"invalid value "one""#),
        ("up 1 soon", #"invalid timestamp "soon""#),
        ("0up 1", #"invalid metric name at "0up 1""#),
    ])
    func malformedLinesSayWhatIsWrong(line: String, message: String) {
        let batch = parser.parse("ok 1\n" + line + "\n", options: options)
        #expect(batch.count == 1)
        #expect(batch.errors == [IngestError(.line(2), message)])
    }
}
