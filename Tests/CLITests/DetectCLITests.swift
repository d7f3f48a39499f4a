import Foundation
import Testing

/// `runbook detect` as someone scoring a CSV file runs it: rows out for rows in, a spike paged, bad rows named.
@Suite(.timeLimit(.minutes(2)))
struct DetectCLITests {
    /// A NAB-style file of 5-minute samples: a steady wobble around 10 and, if asked, one spike.
    private func write(_ cli: CLI, _ name: String, rows: Int, spikeAt spike: Int? = nil, lineEnd: String = "\n") throws -> String {
        var text = "timestamp,value" + lineEnd
        let start = Date(timeIntervalSince1970: 1_396_310_400)
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        for row in 0..<rows {
            let value = row == spike ? 50.0 : 10 + Double(row % 7) / 7
            text += "\(formatter.string(from: start.addingTimeInterval(Double(row) * 300))),\(value)" + lineEnd
        }
        try text.write(toFile: cli.path(name), atomically: true, encoding: .utf8)
        return cli.path(name)
    }

    @Test func eachRowGetsAScoreAndTheSpikeIsTheOnlyAnomaly() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let input = try write(cli, "in.csv", rows: 600, spikeAt: 400, lineEnd: "\r\n")
        let result = try cli.run(["detect", "--input", input, "--output", cli.path("out.csv")])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try String(contentsOfFile: cli.path("out.csv"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 601)
        #expect(lines.first == "timestamp,value,anomaly_score")
        #expect(lines[401].hasPrefix("2014-04-02 09:20:00,50.0,"))
        let paged = lines.dropFirst().enumerated().filter { (Double($0.element.split(separator: ",")[2]) ?? -1) >= 0.5 }.map(\.offset)
        #expect(paged == [400])
    }

    @Test func aBadRowIsNamedByFileAndLine() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let input = cli.path("bad.csv")
        for (row, message) in [("2014-04-01 00:05:00,abc", "is not a number"), ("2014-04-01 00:05:00,nan", "is not finite"),
                               ("2014-04-01 00:05:00", "expected timestamp,value"), ("yesterday,1", "is not YYYY-MM-DD HH:MM:SS")] {
            try "timestamp,value\n2014-04-01 00:00:00,1\n\(row)\n".write(toFile: input, atomically: true, encoding: .utf8)
            let result = try cli.run(["detect", "--input", input, "--output", cli.path("out.csv")])
            #expect(result.status != 0)
            #expect(result.stderr.contains("\(input):3: "), "\(result.stderr)")
            #expect(result.stderr.contains(message), "\(result.stderr)")
        }
    }
}
