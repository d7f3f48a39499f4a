import Foundation
import Glibc

/// Processes a step started that left its process group (`setsid`, a daemon's double fork), out of
/// reach of the signals to the group, found and stopped when the step ends.
///
/// This process is made a child subreaper, so the kernel hands it a step's orphans instead of
/// init: they show up as children of its main thread (the kernel gives orphans to the first live
/// thread of the reaper, which is the main thread unless it exited). Those whose environment
/// still carries the step's `RUNBOOK_RUN` and `RUNBOOK_STEP` are the step's: they get SIGTERM, the
/// grace period, SIGKILL, and are reaped. A process that cleared its environment cannot be told
/// apart from another step's and is left alone.
enum EscapedProcesses {
    /// The environment entries that mark a step's descendants, if `environment` has them.
    static func markers(in environment: [String: String]) -> [String]? {
        guard let run = environment["RUNBOOK_RUN"], let step = environment["RUNBOOK_STEP"] else { return nil }
        return ["RUNBOOK_RUN=\(run)", "RUNBOOK_STEP=\(step)"]
    }

    /// Makes this process the reaper of its descendants' orphans (`PR_SET_CHILD_SUBREAPER`), once.
    static func adoptOrphans() {
        _ = subreaper
    }

    private static let subreaper: Bool = {
        let setChildSubreaper: Int32 = 36
        return GNUFunctions.prctl?(setChildSubreaper, 1, 0, 0, 0) == 0
    }()

    /// Stops every adopted process marked with `markers`, and any they leave orphaned in turn; says
    /// in `note` what it did. Returns how many it stopped.
    @discardableResult
    static func stop(markedWith markers: [String], grace: Duration, note: (String) -> Void) -> Int {
        var stopped = 0
        // A stopped daemon's own children are orphaned in their turn; a few rounds catch a process tree.
        for _ in 0..<4 {
            let escaped = adopted().filter { environment(of: $0).map { entries in markers.allSatisfy(entries.contains) } ?? false }
            guard !escaped.isEmpty else { break }
            note("\(escaped.count) process\(escaped.count == 1 ? "" : "es") left the step's process group (pid "
                 + escaped.map(String.init).joined(separator: ", ") + "): sending SIGTERM")
            terminate(escaped, grace: grace, note: note)
            stopped += escaped.count
        }
        return stopped
    }

    /// SIGTERM, up to `grace` for them to exit, SIGKILL; each reaped.
    private static func terminate(_ pids: [pid_t], grace: Duration, note: (String) -> Void) {
        for pid in pids {
            kill(pid, SIGTERM)
            kill(pid, SIGCONT)
        }
        let deadline = ContinuousClock.now + grace
        var running = Set(pids)
        while !running.isEmpty {
            running = running.filter { !reaped($0, blocking: false) }
            guard !running.isEmpty else { return }
            if ContinuousClock.now >= deadline {
                note("still running after \(StepLog.seconds(grace)): sending SIGKILL to pid "
                     + running.sorted().map(String.init).joined(separator: ", "))
                for pid in running { kill(pid, SIGKILL) }
                for pid in running { _ = reaped(pid, blocking: true) }
                return
            }
            usleep(10_000)
        }
    }

    /// Whether `pid` has exited and is reaped now.
    private static func reaped(_ pid: pid_t, blocking: Bool) -> Bool {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
            if result < 0, errno == EINTR { continue }
            // ECHILD: not ours (any more); nothing to wait for.
            return result == pid || result < 0
        }
    }

    /// Reaps the connections `ssh` left for later steps (`ControlPersist`) once they have closed.
    ///
    /// Such a connection detaches from its step (a new session, stdio on /dev/null), so as a subreaper this process
    /// inherits it, and when it closes after its idle time it would stay a zombie: reap the exited `ssh` orphans.
    static func reapClosedConnections() {
        for pid in adopted() {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), stat.contains("(ssh) Z") else { continue }
            var status: Int32 = 0
            _ = waitpid(pid, &status, WNOHANG)
        }
    }

    /// The children of this process's main thread: the orphans it adopted, and what it started itself.
    private static func adopted() -> [pid_t] {
        guard let text = try? String(contentsOfFile: "/proc/self/task/\(getpid())/children", encoding: .utf8) else { return [] }
        return text.split(separator: " ").compactMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// The environment `pid` was started with, one entry each; nil when it cannot be read.
    private static func environment(of pid: pid_t) -> Set<String>? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return nil }
        return Set(data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) })
    }
}
