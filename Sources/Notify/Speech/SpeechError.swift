/// Why an announcement could not be rendered or played.
public enum SpeechError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The program is not installed (or not executable); install espeak-ng or set `SpeechSettings.program`.
    case programNotFound(String)
    /// The program exited with a non-zero status; `message` is the start of what it wrote to standard error.
    case failed(program: String, status: Int32, message: String)
    /// The program did not finish within `SpeechSettings.timeout` and was killed.
    case timedOut(program: String)
    /// The program wrote no audio.
    case noAudio

    public var description: String {
        switch self {
        case .programNotFound(let program): "\(program) not found; install espeak-ng or set the speech program"
        case .failed(let program, let status, let message): "\(program) exited with status \(status): \(message)"
        case .timedOut(let program): "\(program) timed out"
        case .noAudio: "no audio was rendered"
        }
    }
}
