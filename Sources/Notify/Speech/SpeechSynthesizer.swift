import Foundation

/// Renders announcements to WAV with espeak-ng.
///
/// The text goes to espeak-ng on standard input (`--stdin`), never in its argv, so text that looks like an option
/// (`--help`, `-w /tmp/x`) is spoken, not obeyed; espeak-ng writes the WAV to a temporary file (`-w`), which is read
/// and removed. The HTTP server calls `wav(announcing:)` to serve an incident's announcement.
public struct SpeechSynthesizer: Sendable {
    /// The voice, speed, program and time limit.
    public var settings: SpeechSettings

    /// Creates a synthesizer.
    public init(settings: SpeechSettings = SpeechSettings()) {
        self.settings = settings
    }

    /// The WAV (RIFF, 16-bit mono PCM) of `message`'s announcement, from the settings' template.
    public func wav(announcing message: NotificationMessage) async throws -> Data {
        try await wav(for: Announcement(message, template: settings.template).text)
    }

    /// The WAV of `text`, which is cleaned like any announcement first.
    ///
    /// - Throws: `SpeechError` if espeak-ng is missing, fails, times out or writes no audio.
    public func wav(for text: String) async throws -> Data {
        let spoken = Announcement(text: text).text
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("notify-speech-\(UUID().uuidString).wav")
        defer { try? FileManager.default.removeItem(at: file) }
        let arguments = ["--stdin", "-b", "1", "-v", settings.voice, "-s", String(settings.wordsPerMinute), "-w", file.path]
        let end = try await ChildProcess(executable: settings.program, arguments: arguments)
            .run(input: Data((spoken + "\n").utf8), timeout: settings.timeout)
        if end.timedOut { throw SpeechError.timedOut(program: settings.program) }
        guard end.status == 0 else {
            throw SpeechError.failed(program: settings.program, status: end.status, message: end.standardError)
        }
        guard let data = try? Data(contentsOf: file), data.count > 44 else { throw SpeechError.noAudio }
        return data
    }

    /// The length of a WAV's audio in seconds, from its header's byte rate (espeak-ng's are 44-byte canonical headers).
    public static func duration(ofWAV data: Data) -> Double? {
        guard data.count > 44, data.prefix(4) == Data("RIFF".utf8) else { return nil }
        let bytes = [UInt8](data.prefix(44))
        let byteRate = UInt32(bytes[28]) | UInt32(bytes[29]) << 8 | UInt32(bytes[30]) << 16 | UInt32(bytes[31]) << 24
        guard byteRate > 0 else { return nil }
        return Double(data.count - 44) / Double(byteRate)
    }
}
