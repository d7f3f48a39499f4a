import Foundation
import Testing
@testable import Notify

/// Spoken announcements rendered by the real espeak-ng and measured by sox.
@Suite("Spoken announcements", .timeLimit(.minutes(1)))
struct SpeechTests {
    /// What `sox FILE -n stat` says about a WAV.
    struct SoundStats {
        var seconds: Double
        var rmsAmplitude: Double
    }

    private func stats(of wav: Data) async throws -> SoundStats {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("notify-stat-\(UUID().uuidString).wav")
        try wav.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        // sox prints its statistics on standard error, which ChildProcess keeps.
        let end = try await ChildProcess(executable: "sox", arguments: [file.path, "-n", "stat"]).run(input: Data(), timeout: .seconds(20))
        func value(_ name: String) -> Double? {
            end.standardError.split(separator: "\n").first { $0.hasPrefix(name) }
                .flatMap { Double($0.split(separator: ":").last!.trimmingCharacters(in: .whitespaces)) }
        }
        return SoundStats(seconds: try #require(value("Length (seconds)")), rmsAmplitude: try #require(value("RMS     amplitude")))
    }

    @Test("A page's announcement is a WAV of plausible length that is not silence")
    func rendersSpeech() async throws {
        let wav = try await SpeechSynthesizer().wav(announcing: samplePage())
        #expect(wav.prefix(4) == Data("RIFF".utf8))
        let stats = try await stats(of: wav)
        #expect(stats.seconds > 1)
        #expect(stats.seconds < 20)
        #expect(stats.rmsAmplitude > 0.001)
        let duration = try #require(SpeechSynthesizer.duration(ofWAV: wav))
        #expect(abs(duration - stats.seconds) < 0.05)
    }

    @Test("The announcement follows the template, without markup, entities or control characters, capped in length")
    func cleansText() {
        var message = samplePage(title: "<speak><prosody rate='x-slow'>disk</prosody> almost&nbsp;full\u{07}\r\non db1 &amp; db2</speak>")
        #expect(Announcement(message).text == "Incident 42, priority 1, disk almost full on db1 db2")
        message.title = String(repeating: "very long words ", count: 100)
        let capped = Announcement(message).text
        #expect(capped.count <= Announcement.maximumLength)
        #expect(capped.hasSuffix("words") || capped.hasSuffix("long") || capped.hasSuffix("very"))
        #expect(Announcement(text: "R&D <unclosed tag").text == "R and D")
        message.kind = .resolved
        message.title = "disk almost full"
        #expect(Announcement(message).text == "Incident 42 resolved, disk almost full")
    }

    @Test("Text that looks like options is spoken, not obeyed: it goes on standard input")
    func textIsNotArguments() async throws {
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("notify-evil-\(UUID().uuidString).wav")
        let wav = try await SpeechSynthesizer().wav(for: "-w \(target.path) --help")
        #expect(!FileManager.default.fileExists(atPath: target.path))
        let stats = try await stats(of: wav)
        // "--help" obeyed would print usage and write no audio; spoken, the path alone takes seconds.
        #expect(stats.seconds > 1)
        #expect(stats.rmsAmplitude > 0.001)
    }

    @Test("The spoken destination renders and plays with an argv command; a missing program is a failed outcome")
    func spokenDestination() async throws {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("notify-played-\(UUID().uuidString).wav")
        defer { try? FileManager.default.removeItem(at: copy) }
        let notifier = quickNotifier()
        let rendered = await notifier.deliver(samplePage(), to: .spoken(SpeechSettings()))
        let played = await notifier.deliver(samplePage(), to: .spoken(SpeechSettings(playCommand: ["/bin/cp", "{wav}", copy.path])))
        let missing = await notifier.deliver(samplePage(), to: .spoken(SpeechSettings(program: "/nonexistent/espeak-ng")))
        await notifier.shutdown()

        #expect(rendered.succeeded)
        #expect(rendered.detail.hasPrefix("WAV rendered"))
        #expect(played.succeeded, "\(played.detail)")
        #expect(played.detail.hasSuffix("with /bin/cp"))
        let playedStats = try await stats(of: try Data(contentsOf: copy))
        #expect(playedStats.seconds > 1)
        #expect(!missing.succeeded)
        #expect(missing.attempts == 1)
        #expect(missing.detail.contains("not found"))
    }

    @Test("A program that outlives the timeout is killed and reported")
    func timeout() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let end = try await ChildProcess(executable: "sleep", arguments: ["30"]).run(input: Data(), timeout: .milliseconds(300))
        #expect(end.timedOut)
        // The program would sleep 30 s.
        #expect(clock.now - start < .seconds(15))
    }
}
