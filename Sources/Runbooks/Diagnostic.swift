/// One lint finding in a runbook file, located by line, rendered like a compiler message.
///
/// The `file:line: message` form is what editors, CI log parsers and `grep` already understand.
public struct Diagnostic: Sendable, Equatable, Codable, CustomStringConvertible {
    /// How serious a finding is: an error makes the runbook unrunnable, a warning does not.
    public enum Severity: String, Sendable, Codable {
        case error, warning
    }

    /// The file the finding is in, as given to the parser (`runbooks/disk-full.md`).
    public var file: String
    /// The 1-based line in the file.
    public var line: Int
    /// Whether the finding blocks the runbook.
    public var severity: Severity
    /// What is wrong and, where possible, how to fix it.
    public var message: String

    /// Creates a diagnostic.
    public init(file: String, line: Int, severity: Severity, message: String) {
        self.file = file
        self.line = line
        self.severity = severity
        self.message = message
    }

    /// `file:line: message` for errors, `file:line: warning: message` for warnings.
    public var description: String {
        switch severity {
        case .error: "\(file):\(line): \(message)"
        case .warning: "\(file):\(line): warning: \(message)"
        }
    }
}
