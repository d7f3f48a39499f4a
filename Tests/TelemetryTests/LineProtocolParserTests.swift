import Telemetry
import Testing

@Suite struct LineProtocolParserTests {
    /// Wide enough for the documentation's 2016-2019 timestamps.
    let options = IngestOptions(ingestTimeMilliseconds: 1_700_000_000_000, maximumAgeMilliseconds: .max / 2)
    let parser = LineProtocolParser()

    @Test func theReferenceExampleBecomesMeasurementUnderscoreField() {
        let batch = parser.parse("weather,location=us-midwest temperature=82 1465839830100400200", options: options)
        #expect(batch.errors.isEmpty)
        #expect(batch.count == 1)
        #expect(batch.key(at: 0) == SeriesKey(metric: "weather_temperature", labels: ["location": "us-midwest"]))
        #expect(batch.samples[0] == Sample(timestampMilliseconds: 1_465_839_830_100, value: 82))
    }

    @Test func stringFieldsFromTheReferenceAreSkippedNotErrors() {
        let body = """
            # This is a comment
            myMeasurement fieldKey="string value" 1556813561098000000
            myMeasurement,tag1=value1,tag2=value2 fieldKey="fieldValue" 1556813561098000000
            myMeasurement fieldKey="\\"string\\" within a string"
            my\\ Measurement fieldKey="string value"
            """
        let batch = parser.parse(body, options: options)
        #expect(batch.errors.isEmpty)
        #expect(batch.count == 0)
        #expect(batch.rejections.nonNumeric == 4)
    }

    @Test func everyNumericTypeOfTheReferenceIsASample() {
        let body = """
            myMeasurement fieldKey=1.0
            myMeasurement fieldKey=1
            myMeasurement fieldKey=-1.234456e+78
            myMeasurement fieldKey=1.0e-10
            myMeasurement fieldKey=1i
            myMeasurement fieldKey=12485903u
            myMeasurement fieldKey=t
            myMeasurement fieldKey=True
            myMeasurement fieldKey=FALSE
            """
        let batch = parser.parse(body, options: options)
        #expect(batch.errors.isEmpty)
        #expect(batch.samples.map(\.value) == [1, 1, -1.234456e+78, 1.0e-10, 1, 12_485_903, 1, 1, 0])
        #expect(batch.samples.allSatisfy { $0.timestampMilliseconds == options.ingestTimeMilliseconds })
    }

    @Test func escapedSpacesCommasAndEqualsSignsAreUnescaped() {
        let body = #"my\ Measurement,tag\ Key1=tag\ Value1,tag\,Key2=a\=b field\ Key=100"#
        let batch = parser.parse(body, options: options)
        #expect(batch.errors.isEmpty)
        #expect(batch.key(at: 0) == SeriesKey(metric: "my Measurement_field Key", labels: ["tag Key1": "tag Value1", "tag,Key2": "a=b"]))
    }

    @Test func aBackslashThatEscapesNothingStaysAndTheNextOneEscapes() {
        // InfluxDB's reading (influxdata/line-protocol): `\\ ` is a literal backslash, then an escaped space.
        let batch = parser.parse(#"cpu,host=two\\ words,regions=\\,\,\=east value=42"#, options: options)
        #expect(batch.errors.isEmpty, "\(batch.errors)")
        #expect(batch.key(at: 0) == SeriesKey(metric: "cpu_value", labels: ["host": #"two\ words"#, "regions": #"\,,=east"#]))
    }

    @Test func aStringFieldMayHoldNewlinesAndTheLinesAfterItKeepTheirNumbers() {
        let body = "cpu note=\"4\n2\",value=1 1000000000\ncpu value=2 2000000000\ncpu value=x\n"
        let batch = parser.parse(body, options: options)
        #expect(batch.samples == [Sample(timestampMilliseconds: 1000, value: 1), Sample(timestampMilliseconds: 2000, value: 2)])
        #expect(batch.rejections.nonNumeric == 1)
        #expect(batch.errors == [IngestError(.line(4), #"field "value": invalid number "x""#)], "the newline inside the string is line 2")
        // A string that never closes takes the rest of the body with it, as InfluxDB reads it, and is one error.
        let open = parser.parse("cpu note=\"open\ncpu value=1\ncpu value=2", options: options)
        #expect(open.count == 0)
        #expect(open.errors == [IngestError(.line(1), #"field "note": string value without a closing quote"#)])
    }

    @Test func tagOrderDoesNotChangeTheSeriesAndEachNumericFieldIsOne() {
        let body = """
            cpu,region=eu,host=a user=1,system=2i,note="x" 1000000000
            cpu,host=a,region=eu user=3 2000000000
            """
        let batch = parser.parse(body, options: options)
        #expect(batch.count == 3)
        #expect(batch.key(at: 0) == SeriesKey(metric: "cpu_user", labels: ["host": "a", "region": "eu"]))
        #expect(batch.key(at: 1) == SeriesKey(metric: "cpu_system", labels: ["host": "a", "region": "eu"]))
        #expect(batch.key(at: 2) == batch.key(at: 0))
        #expect(batch.rejections.nonNumeric == 1)
    }

    @Test func aBadLineIsReportedWithItsNumberAndTheOthersAreKept() {
        let body = "cpu value=1 1000000000\n\ncpu value=abc 1000000000\ncpu value=2 2000000000\n"
        let batch = parser.parse(body, options: options)
        #expect(batch.count == 2)
        #expect(batch.firstError?.description == #"line 3: field "value": invalid number "abc""#)
        #expect(batch.rejections.malformed == 1)
    }

    @Test(arguments: [
        (#"cpu,host=a\"#, "missing fields"),
        ("cpu,host=a=b value=1", #"tag "host": "=" in the value must be escaped as \="#),
        ("\tcpu value=1", #"measurement contains the control character \t at column 1"#),
        ("c\u{1}pu value=1", #"measurement contains the control character \x01 at column 2"#),
        ("cpu,ho\u{8}st=a value=1", #"tag key contains the control character \x08 at column 7"#),
        ("cpu,host=a\u{b} value=1", #"tag value contains the control character \x0b at column 11"#),
        ("cpu va\u{f}lue=1", #"field key contains the control character \x0f at column 7"#),
        ("cpu value=1e400", #"field "value": "1e400" is out of range"#),
        ("cpu", "missing fields"),
        ("cpu,host=a", "missing fields"),
        ("cpu,host= value=1", #"tag "host": missing value"#),
        ("cpu,host value=1", #"tag "host": missing "=""#),
        ("cpu,b=1,a=2,b=3 value=1", #"tag "b" appears twice"#),
        ("cpu value=", #"field "value": missing value"#),
        ("cpu value=1 12x", #"invalid timestamp "12x""#),
        ("cpu value=1 1 2", #"unexpected text after the timestamp: "2""#),
        ("cpu value=NaN", #"field "value": invalid number "NaN""#),
        ("cpu value=99999999999999999999i", #"field "value": invalid integer "99999999999999999999i""#),
        (#"cpu note="open"#, #"field "note": string value without a closing quote"#),
        (",host=a value=1", "missing measurement"),
    ])
    func malformedLinesSayWhatIsWrong(line: String, message: String) {
        let batch = parser.parse("ok value=1\n" + line, options: options)
        #expect(batch.count == 1)
        #expect(batch.errors == [IngestError(.line(2), message)])
    }

    @Test func invalidUTF8IsAnErrorOfItsLine() {
        let body: [UInt8] = Array("cpu,host=".utf8) + [0xFF, 0xFE] + Array(" value=1\ncpu value=2".utf8)
        let batch = parser.parse(body, options: options)
        #expect(batch.errors == [IngestError(.line(1), "invalid UTF-8")])
        #expect(batch.count == 1)
    }

    @Test func emptyBodiesBlankLinesAndCRLFAreFine() {
        #expect(parser.parse("", options: options).count == 0)
        #expect(parser.parse("", options: options).errors.isEmpty)
        let batch = parser.parse("\r\n  \ncpu value=1 1000000000\r\n", options: options)
        #expect(batch.errors.isEmpty)
        #expect(batch.samples == [Sample(timestampMilliseconds: 1000, value: 1)])
    }

    @Test func timestampsOutsideTheWindowAreCountedAndTheFirstIsNamed() {
        let now: Int64 = 1_700_000_000_000
        let window = IngestOptions(ingestTimeMilliseconds: now)
        let hourAgo = (now - 3_600_000) * 1_000_000
        let body = """
            cpu value=1 \(hourAgo)
            cpu value=1,other=2 \((now - 400 * 86_400_000) * 1_000_000)
            cpu value=1 \((now + 11 * 60_000) * 1_000_000)
            """
        let batch = parser.parse(body, options: window)
        #expect(batch.errors.isEmpty)
        #expect(batch.count == 1)
        #expect(batch.rejections.outOfWindow == 3)
        // The first drop is named for the partial-write answer: no point is dropped silently.
        #expect(batch.firstDrop?.location == .line(2))
        #expect(batch.firstDrop?.message.contains("is outside the accepted window (365 days before to 10 minutes after") == true,
                "\(String(describing: batch.firstDrop))")
    }

    @Test func aTimestampInSecondsWithoutThePrecisionIsAnErrorWithAHintNotASilentDrop() {
        // Telegraf and scripts often send seconds; read as nanoseconds that is January 1970, outside any window.
        let now = IngestOptions(ingestTimeMilliseconds: 1_764_000_000_000)
        let batch = parser.parse("cpu,host=a usage=1 1764000000\ncpu,host=a usage=2 1764000000000000000", options: now)
        #expect(batch.count == 1, "the second line, in nanoseconds, is kept")
        #expect(batch.rejections.malformed == 1 && batch.rejections.outOfWindow == 0)
        #expect(batch.firstError?.description == "line 1: timestamp \"1764000000\" read as nanoseconds is 1970-01-01T00:00:01.764Z, "
            + "outside the accepted window; it looks like seconds: add ?precision=s", "\(String(describing: batch.firstError))")
        // Milliseconds sent as seconds are named too; a time that is old whatever its unit is still only counted.
        let millis = LineProtocolParser(precision: .seconds).parse("cpu usage=1 1764000000000", options: now)
        #expect(millis.firstError?.description.hasSuffix("it looks like milliseconds: add ?precision=ms") == true)
        let old = parser.parse("cpu usage=1 1000000000", options: now)
        #expect(old.errors.isEmpty && old.rejections.outOfWindow == 1)
    }

    @Test func precisionScalesTimestampsToMilliseconds() {
        let cases: [(TimestampPrecision, String, Int64)] = [
            (.seconds, "1700000000", 1_700_000_000_000),
            (.milliseconds, "1700000000123", 1_700_000_000_123),
            (.microseconds, "1700000000123456", 1_700_000_000_123),
            (.nanoseconds, "1700000000123456789", 1_700_000_000_123),
        ]
        for (precision, text, expected) in cases {
            let batch = LineProtocolParser(precision: precision).parse("cpu value=1 \(text)", options: options)
            #expect(batch.samples.first?.timestampMilliseconds == expected)
        }
        #expect(TimestampPrecision(queryValue: "us") == .microseconds)
        #expect(TimestampPrecision(queryValue: "h") == nil)
    }

    @Test func errorsBeyondTheLimitAreCountedButNotKept() {
        var limited = options
        limited.maximumErrors = 2
        let batch = parser.parse(String(repeating: "bad\n", count: 5), options: limited)
        #expect(batch.errors.count == 2)
        #expect(batch.rejections.malformed == 5)
    }
}
