/// How a step's process ended.
public enum StepTermination: Sendable, Equatable, CustomStringConvertible {
    /// The process exited by itself with this status; 0 is success.
    case exited(Int32)
    /// The process was killed by this signal, not by the executor (e.g. it ran `kill -TERM $$`).
    case signaled(Int32)
    /// The step ran past its timeout and its process group was stopped.
    case timedOut
    /// The step was canceled and its process group was stopped.
    case canceled

    /// `exit status 3`, `killed by signal 15 (SIGTERM)`, `timed out`, `canceled`: for work notes and the CLI.
    public var description: String {
        switch self {
        case .exited(let status): "exit status \(status)"
        case .signaled(let signal): "killed by signal \(signal)\(Self.signalName(signal).map { " (\($0))" } ?? "")"
        case .timedOut: "timed out"
        case .canceled: "canceled"
        }
    }

    private static func signalName(_ signal: Int32) -> String? {
        let names: [Int32: String] = [1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 6: "SIGABRT", 7: "SIGBUS", 8: "SIGFPE",
                                      9: "SIGKILL", 11: "SIGSEGV", 13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM"]
        return names[signal]
    }
}
