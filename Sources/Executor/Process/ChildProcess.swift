import Glibc

/// A step's running process, leader of its own process group, with the read end of its output pipe.
///
/// Only the supervising thread uses it after the spawn: it waits for the process, signals its group and
/// closes the descriptors once.
struct ChildProcess: Sendable {
    /// The process id, which is also the process group id.
    let pid: pid_t
    /// The read end of the pipe the process writes stdout and stderr to.
    let output: Int32
    /// A pidfd that becomes readable when the process exits; nil where the kernel or C library has none.
    let exitNotifier: Int32?
    /// Our end of the socket that is the process's standard input, when the command has input; non-blocking.
    /// The supervisor writes the input, and closes it when the step ends or is stopped.
    let input: Int32?

    /// Sends `signal` to every process in the group. The leader is not reaped before the group's last
    /// signal, so its id cannot have been reused by an unrelated group.
    func signalGroup(_ signal: Int32) {
        _ = kill(-pid, signal)
    }

    /// Whether the leader has exited, without reaping it (`WNOWAIT`), so its group can still be signaled safely.
    func hasExited() -> Bool {
        var info = siginfo_t()
        while true {
            if waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 {
                return info._sifields._sigchld.si_pid == pid
            }
            if errno == EINTR { continue }
            // ECHILD: someone else reaped it (e.g. SIGCHLD set to SIG_IGN in this process); it is gone either way.
            return true
        }
    }

    /// Reaps the leader, which must have exited, and says how it ended.
    func reap() -> StepTermination {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno == EINTR { continue }
            // Reaped elsewhere, so the status is lost: report a failure rather than invent a success.
            return .exited(-1)
        }
        return Self.termination(waitStatus: status)
    }

    /// Closes the descriptors; the process must have been reaped.
    func closeDescriptors() {
        close(output)
        if let exitNotifier { close(exitNotifier) }
    }

    /// Decodes a `waitpid` status (the `WIFEXITED`/`WTERMSIG` macros are not imported into Swift).
    static func termination(waitStatus status: Int32) -> StepTermination {
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
    }
}
