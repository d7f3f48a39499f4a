/// What to run for one runbook step: an interpreter, its arguments, the complete environment and a directory.
///
/// Nothing is taken from the calling process: the step gets exactly `environment` (no `PATH`, `HOME` or
/// anything else unless it is listed here) and runs in `workingDirectory`. Values are passed to the
/// process byte for byte and are never interpreted as shell text, so they may hold anything but a NUL byte.
public struct StepCommand: Sendable {
    /// The absolute path of the program to start, e.g. `/bin/sh`.
    public var executable: String
    /// The arguments after `argv[0]` (which is always `executable`), e.g. the path of the step's script.
    public var arguments: [String]
    /// The complete environment of the process: nothing is inherited from the parent.
    public var environment: [String: String]
    /// The directory the process starts in; it must exist.
    public var workingDirectory: String
    /// Bytes written to the process's standard input, which then stays open until the step ends or is stopped;
    /// `nil` for /dev/null. A remote step's script and parameters travel this way, and closing it stops them.
    public var input: [UInt8]?
    /// Whether the input ends once written (a filter such as `ssh-keygen -f -`) instead of staying open.
    public var endsInputWhenWritten = false
    /// Secret values to replace in the output.
    public var redaction = Redaction(secrets: [:])

    /// A command that runs `executable` with `arguments` in `workingDirectory`, with exactly `environment`.
    public init(executable: String, arguments: [String], environment: [String: String], workingDirectory: String) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
    }
}
