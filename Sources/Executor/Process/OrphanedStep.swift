import Foundation
import ITIL

/// The processes of a step whose runner died: its process group outlives it, so whoever marks the
/// run interrupted kills them.
enum OrphanedStep {
    /// SIGKILLs every process in process group `group` that belongs to run `run`.
    ///
    /// The group id may have been reused by now, so a process is killed only if its environment
    /// carries `RUNBOOK_RUN=<run>`, which every step of that run gets.
    static func kill(group: Int32, run: RunID) {
        let marker = Data("RUNBOOK_RUN=\(run)\u{0}".utf8)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int32(entry), processGroup(of: pid) == group,
                  let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ"),
                  environment.starts(with: marker) || environment.range(of: Data([0]) + marker) != nil else { continue }
            Glibc.kill(pid, SIGKILL)
        }
    }

    /// Field 5 of `/proc/<pid>/stat`; the command name before it is in parentheses and may hold spaces.
    private static func processGroup(of pid: Int32) -> Int32? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 2 ? Int32(fields[2]) : nil
    }
}
