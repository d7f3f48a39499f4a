import Testing
import Telemetry

@Suite struct SeriesKeyTests {
    @Test func labelOrderDoesNotChangeTheSeries() {
        let a = SeriesKey(metric: "cpu", labels: ["host": "a", "core": "1"])
        let b = SeriesKey(metric: "cpu", labels: ["core": "1", "host": "a"])
        #expect(a == b)
        #expect(a.description == #"cpu{core="1",host="a"}"#)
    }

    @Test func quotesInLabelValuesAreEscapedInTheDescription() {
        let key = SeriesKey(metric: "m", labels: ["path": #"a"b\c"#])
        #expect(key.description == #"m{path="a\"b\\c"}"#)
    }
}
