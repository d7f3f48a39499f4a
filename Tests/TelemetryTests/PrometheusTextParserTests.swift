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
    }

    @Test func emptyLabelValuesMeanNoLabelAndTrailingCommasAreAllowed() {
        let batch = parser.parse(#"up{job="api",instance="",} 1"#, options: options)
        #expect(batch.errors.isEmpty)
        #expect(batch.key(at: 0) == SeriesKey(metric: "up", labels: ["job": "api"]))
    }

    @Test(arguments: [
        (#"up{job="a\tb"} 1"#, #"label "job": invalid escape "\t" (only \\, \" and \n)"#),
        (#"up{job="api} 1"#, #"label "job": value without a closing quote"#),
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
