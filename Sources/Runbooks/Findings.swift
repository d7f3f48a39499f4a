/// Collects diagnostics for one file while the parser's parts run; lines are clamped so that every
/// finding points at a line that exists, whatever a sub-parser reports.
struct Findings {
    let file: String
    let lineCount: Int
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String, lineCount: Int) {
        self.file = file
        self.lineCount = max(lineCount, 1)
    }

    var hasErrors: Bool {
        diagnostics.contains { $0.severity == .error }
    }

    mutating func error(_ line: Int, _ message: String) {
        add(line, .error, message)
    }

    mutating func warning(_ line: Int, _ message: String) {
        add(line, .warning, message)
    }

    private mutating func add(_ line: Int, _ severity: Diagnostic.Severity, _ message: String) {
        let clamped = min(max(line, 1), lineCount)
        diagnostics.append(Diagnostic(file: file, line: clamped, severity: severity, message: message))
    }
}
