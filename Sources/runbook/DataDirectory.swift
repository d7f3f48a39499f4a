import Foundation

/// Where the server and CLI keep their state: `$RUNBOOK_HOME`, default `./.runbook`.
struct DataDirectory {
    /// The data directory's path.
    let path: String

    /// The embedded wiki repository inside the data directory.
    var wiki: String { (path as NSString).appendingPathComponent("wiki") }

    /// The data directory named by the environment.
    static var current: DataDirectory {
        DataDirectory(path: ProcessInfo.processInfo.environment["RUNBOOK_HOME"] ?? ".runbook")
    }
}
