import Foundation

/// The spoken channel's delivery: render the announcement, then play it if a player is configured.
struct SpokenDelivery: Sendable {
    var settings: SpeechSettings

    func announce(_ message: NotificationMessage) async -> AttemptResult {
        let wav: Data
        do {
            wav = try await SpeechSynthesizer(settings: settings).wav(announcing: message)
        } catch let error as SpeechError {
            if case .timedOut = error { return .transient(error.description) }
            return .permanent(error.description)
        } catch {
            return .permanent("speech failed: \(error)")
        }
        let seconds = SpeechSynthesizer.duration(ofWAV: wav).map { String(format: "%.1f s", $0) } ?? "\(wav.count) bytes"
        guard let command = settings.playCommand, let program = command.first else {
            return .accepted("WAV rendered, \(seconds)")
        }
        return await play(wav, program: program, arguments: Array(command.dropFirst()), seconds: seconds)
    }

    private func play(_ wav: Data, program: String, arguments: [String], seconds: String) async -> AttemptResult {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("notify-play-\(UUID().uuidString).wav")
        defer { try? FileManager.default.removeItem(at: file) }
        do {
            try wav.write(to: file)
            var argv = arguments.map { $0.replacingOccurrences(of: "{wav}", with: file.path) }
            if !arguments.contains(where: { $0.contains("{wav}") }) { argv.append(file.path) }
            let end = try await ChildProcess(executable: program, arguments: argv).run(input: Data(), timeout: settings.timeout)
            if end.timedOut { return .transient("\(program) timed out") }
            guard end.status == 0 else { return .permanent("\(program) exited with status \(end.status): \(end.standardError)") }
            return .accepted("played \(seconds) with \(program)")
        } catch {
            return .permanent("\(error)")
        }
    }
}
