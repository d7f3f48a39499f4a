import Foundation
import Testing
import Runbooks

@Suite struct MatcherTests {
    @Test func parsesAllFourOperatorsWithWhitespace() throws {
        #expect(try Matcher(parsing: #"alertname="Disk""#).op == .equal)
        #expect(try Matcher(parsing: #" env != "dev" "#).op == .notEqual)
        #expect(try Matcher(parsing: "severity=~crit.*").op == .regexMatch)
        #expect(try Matcher(parsing: #"team !~ "a|b""#).op == .regexNoMatch)
        #expect(try Matcher(parsing: "env=prod").value == "prod")
    }

    @Test func quotedValuesUnescape() throws {
        let matcher = try Matcher(parsing: #"msg="say \"hi\"\\ \n""#)
        #expect(matcher.value == "say \"hi\"\\ \n")
        #expect(matcher.description == #"msg="say \"hi\"\\ \n""#)
        #expect(try Matcher(parsing: matcher.description) == matcher)
    }

    @Test func clearErrors() {
        #expect(throws: MatcherError("unterminated quoted value in 'a=\"x'")) { try Matcher(parsing: "a=\"x") }
        #expect(throws: MatcherError("missing operator in 'foo' (expected =, !=, =~ or !~ after 'foo')")) { try Matcher(parsing: "foo") }
        #expect(throws: MatcherError.self) { try Matcher(parsing: "1abc=x") }
        #expect(throws: MatcherError.self) { try Matcher(parsing: "=x") }
        #expect(throws: MatcherError.self) { try Matcher(parsing: #"a="x" b"#) }
        #expect(throws: MatcherError.self) { try Matcher(parsing: "a=two words") }
        do {
            _ = try Matcher(parsing: #"a=~"(""#)
            Issue.record("expected an error")
        } catch {
            #expect(error.message.hasPrefix("invalid regex '(': "))
        }
    }

    @Test func regexesAreFullyAnchored() throws {
        #expect(!(try Matcher(parsing: #"severity=~"crit""#).matches(["severity": "critical"])))
        #expect(try Matcher(parsing: #"severity=~"crit.*""#).matches(["severity": "critical"]))
        #expect(try Matcher(parsing: #"severity=~"a|b""#).matches(["severity": "b"]))
        #expect(!(try Matcher(parsing: #"severity=~"a|b""#).matches(["severity": "ab"])))
        #expect(!(try Matcher(parsing: #"severity=~"crit""#).matches(["severity": "crit\n"])))
        #expect(try Matcher(parsing: #"severity!~"info|debug""#).matches(["severity": "critical"]))
    }

    @Test func missingLabelEqualsEmptyString() throws {
        #expect(try Matcher(parsing: #"env!="dev""#).matches([:]))
        #expect(!(try Matcher(parsing: #"env="prod""#).matches([:])))
        #expect(try Matcher(parsing: #"env="""#).matches([:]))
        #expect(try Matcher(parsing: #"env=~".*""#).matches([:]))
        #expect(!(try Matcher(parsing: #"env=~".+""#).matches([:])))
    }

    @Test func codableRevalidates() throws {
        let matcher = try Matcher(parsing: #"a=~"x.*""#)
        let data = try JSONEncoder().encode(matcher)
        #expect(try JSONDecoder().decode(Matcher.self, from: data) == matcher)
        let bad = Data(#"{"name":"a","op":"=~","value":"("}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Matcher.self, from: bad) }
    }
}

@Suite struct TimeSpanTests {
    @Test(arguments: [("500ms", 0.5), ("30s", 30), ("15m", 900), ("1h", 3600), ("1h30m", 5400), ("2d", 172_800), ("1m30s", 90)])
    func parsesAndRoundTrips(_ text: String, _ seconds: Double) throws {
        let span = try #require(TimeSpan(parsing: text))
        #expect(span.seconds == seconds)
        #expect(span.description == text)
        #expect(TimeSpan(parsing: span.description) == span)
    }

    @Test(arguments: ["", "0s", "-5s", "30", "abc", "1m1h", "1h1h", "1.5h", "s", "10y", "99999999999h"])
    func rejects(_ text: String) {
        #expect(TimeSpan(parsing: text) == nil)
    }

    @Test func canonicalForm() {
        #expect(TimeSpan(parsing: "90s")?.description == "1m30s")
        #expect(TimeSpan(parsing: "1w")?.description == "7d")
        #expect(TimeSpan(parsing: "1h0m")?.description == "1h")
    }
}
