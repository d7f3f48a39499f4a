import Telemetry
import Testing

@Suite struct OTLPMetricsParserTests {
    let options = IngestOptions(ingestTimeMilliseconds: 1_700_000_000_000, maximumAgeMilliseconds: .max / 2)
    let parser = OTLPMetricsParser()

    /// `examples/metrics.json` of open-telemetry/opentelemetry-proto, verbatim.
    static let protoExample = """
        {
          "resourceMetrics": [
            {
              "resource": {
                "attributes": [
                  {
                    "key": "service.name",
                    "value": {
                      "stringValue": "my.service"
                    }
                  }
                ]
              },
              "scopeMetrics": [
                {
                  "scope": {
                    "name": "my.library",
                    "version": "1.0.0",
                    "attributes": [
                      {
                        "key": "my.scope.attribute",
                        "value": {
                          "stringValue": "some scope attribute"
                        }
                      }
                    ]
                  },
                  "metrics": [
                    {
                      "name": "my.counter",
                      "unit": "1",
                      "description": "I`m a Counter",
                      "sum": {
                        "aggregationTemporality": 1,
                        "isMonotonic": true,
                        "dataPoints": [
                          {
                            "asDouble": 5,
                            "startTimeUnixNano": 1544712660300000000,
                            "timeUnixNano": 1544712660300000000,
                            "attributes": [
                              {
                                "key": "my.counter.attr",
                                "value": {
                                  "stringValue": "some value"
                                }
                              }
                            ]
                          }
                        ]
                      }
                    },
                    {
                      "name": "my.gauge",
                      "unit": "1",
                      "description": "I`m a Gauge",
                      "gauge": {
                        "dataPoints": [
                          {
                            "asDouble": 10,
                            "timeUnixNano": 1544712660300000000,
                            "attributes": [
                              {
                                "key": "my.gauge.attr",
                                "value": {
                                  "stringValue": "some value"
                                }
                              }
                            ]
                          }
                        ]
                      }
                    },
                    {
                      "name": "my.histogram",
                      "unit": "1",
                      "description": "I`m a Histogram",
                      "histogram": {
                        "aggregationTemporality": 1,
                        "dataPoints": [
                          {
                            "startTimeUnixNano": 1544712660300000000,
                            "timeUnixNano": 1544712660300000000,
                            "count": 3,
                            "sum": 3,
                            "bucketCounts": [1,1,1],
                            "explicitBounds": [1],
                            "min": 1,
                            "max": 1,
                            "attributes": [
                              {
                                "key": "my.histogram.attr",
                                "value": {
                                  "stringValue": "some value"
                                }
                              }
                            ]
                          }
                        ]
                      }
                    }
                  ]
                }
              ]
            }
          ]
        }
        """

    @Test func theOlderProtoExampleGivesTheSumAndGaugeAndNamesItsHistogramsBadBuckets() throws {
        // This version of the example had 3 bucket counts for 1 bound (the spec wants bounds + 1; the current
        // example, in Tests/Corpora/otlp, fixed it): the point is reported with its path and adds nothing.
        let batch = try parser.parse(Self.protoExample, options: options)
        #expect(batch.errors.map(\.description) == [
            "resourceMetrics[0].scopeMetrics[0].metrics[2].histogram.dataPoints[0].bucketCounts: 3 counts for 1 explicitBounds: expected 2",
        ])
        #expect(batch.count == 2)
        #expect(batch.key(at: 0) == SeriesKey(metric: "my.counter", labels: ["service.name": "my.service", "my.counter.attr": "some value"]))
        #expect(batch.samples[0] == Sample(timestampMilliseconds: 1_544_712_660_300, value: 5))
        #expect(batch.key(at: 1) == SeriesKey(metric: "my.gauge", labels: ["service.name": "my.service", "my.gauge.attr": "some value"]))
        #expect(batch.samples[1].value == 10)
        #expect(batch.rejections.rejected == 1)
    }

    static func request(points: String, resource: String = "[]") -> String {
        let metrics = #"[{},{"metrics":[{"name":"m","gauge":{"dataPoints":\#(points)}}]}]"#
        return #"{"resourceMetrics":[{"resource":{"attributes":\#(resource)},"scopeMetrics":\#(metrics)}]}"#
    }

    @Test func aBadDataPointIsReportedWithItsPathAndTheOthersAreKept() throws {
        let points = #"[{"asInt":"7","timeUnixNano":"1699999999000000000"},{"asDouble":1,"timeUnixNano":"soon"}]"#
        let batch = try parser.parse(Self.request(points: points), options: options)
        #expect(batch.samples == [Sample(timestampMilliseconds: 1_699_999_999_000, value: 7)])
        #expect(batch.firstError?.description == "resourceMetrics[0].scopeMetrics[1].metrics[0].gauge.dataPoints[1].timeUnixNano: not a number")
        #expect(batch.rejections.rejected == 1)
    }

    @Test func dataPointAttributesOverrideResourceAttributes() throws {
        let resource = #"[{"key":"host","value":{"stringValue":"resource"}},{"key":"zone","value":{"intValue":"3"}}]"#
        let points = #"[{"asDouble":2.5,"attributes":[{"key":"host","value":{"stringValue":"point"}},{"key":"up","value":{"boolValue":true}}]}]"#
        let batch = try parser.parse(Self.request(points: points, resource: resource), options: options)
        #expect(batch.key(at: 0) == SeriesKey(metric: "m", labels: ["host": "point", "zone": "3", "up": "true"]))
        #expect(batch.samples[0] == Sample(timestampMilliseconds: options.ingestTimeMilliseconds, value: 2.5))
    }

    @Test func nonFiniteValuesAreRejectedAndCounted() throws {
        let points = #"[{"asDouble":"NaN"},{"asDouble":"Infinity"},{"asDouble":1e999},{"asInt":5}]"#
        let batch = try parser.parse(Self.request(points: points), options: options)
        #expect(batch.count == 1)
        #expect(batch.rejections.nonFinite == 3)
        #expect(batch.rejections.rejected == 3)
    }

    @Test func missingValuesAndWrongTypesAreErrorsWithPaths() throws {
        let body = #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"gauge":{}},{"name":"x","gauge":{"dataPoints":[{},{"asInt":1.5}]}}]}]}]}"#
        let batch = try parser.parse(body, options: options)
        #expect(batch.errors.map(\.description) == [
            "resourceMetrics[0].scopeMetrics[0].metrics[0].name: expected a non-empty string",
            "resourceMetrics[0].scopeMetrics[0].metrics[1].gauge.dataPoints[0]: no value: expected asDouble or asInt",
            "resourceMetrics[0].scopeMetrics[0].metrics[1].gauge.dataPoints[1].asInt: not an integer",
        ])
        let wrong = try parser.parse(#"{"resourceMetrics":{}}"#, options: options)
        #expect(wrong.errors.map(\.description) == ["resourceMetrics: expected an array"])
    }

    @Test func deeplyNestedJSONIsAClearErrorNotACrash() {
        let depth = 100_000
        let body = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(throws: IngestError(.body, "JSON nested deeper than 64 levels")) { try parser.parse(body, options: options) }
    }

    @Test func bodiesThatAreNotJSONThrow() {
        #expect(throws: IngestError(.body, "empty body")) { try parser.parse("  ", options: options) }
        #expect(throws: IngestError.self) { try parser.parse(#"{"resourceMetrics": [}"#, options: options) }
        #expect(throws: IngestError.self) { try parser.parse([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], options: options) }
    }

    @Test func emptyRequestsAndUnknownMembersAreFine() throws {
        #expect(try parser.parse("{}", options: options).count == 0)
        let metric = #"{"name":"u","sum":{"dataPoints":[{"asInt":"-3","extra":"\u00e9\ud83d\ude00"}]}}"#
        let body = #"{"future":[1,{"x":null}],"resourceMetrics":[{"scopeMetrics":[{"metrics":[\#(metric)]}]}]}"#
        let batch = try parser.parse(body, options: options)
        #expect(batch.errors.isEmpty)
        #expect(batch.samples.map(\.value) == [-3])
    }
}
