/// What the parser made of one file: the runbook if it is clean, and every finding either way.
public struct ParsedRunbook: Sendable {
    /// The path that was parsed.
    public var path: String
    /// The runbook, or `nil` when there is any error: a runbook with errors is never runnable.
    public var runbook: Runbook?
    /// Errors and warnings, sorted by line (stable: same-line findings keep the order they were found in).
    public var diagnostics: [Diagnostic]

    /// Creates a result; diagnostics are sorted by line and `runbook` is dropped if any is an error.
    public init(path: String, runbook: Runbook?, diagnostics: [Diagnostic]) {
        self.path = path
        let sorted = diagnostics.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }
        self.diagnostics = sorted.map(\.element)
        let hasErrors = diagnostics.contains { $0.severity == .error }
        self.runbook = hasErrors ? nil : runbook
    }

    /// True if any diagnostic is an error.
    public var hasErrors: Bool {
        diagnostics.contains { $0.severity == .error }
    }

    /// Only the errors.
    public var errors: [Diagnostic] {
        diagnostics.filter { $0.severity == .error }
    }

    /// Only the warnings.
    public var warnings: [Diagnostic] {
        diagnostics.filter { $0.severity == .warning }
    }
}
