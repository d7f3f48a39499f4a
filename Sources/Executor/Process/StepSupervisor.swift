import Foundation
import Glibc

/// Watches one step's process from a thread of its own until nothing of it is left: reads its output
/// into the log, stops its group on timeout or cancel, reaps it, and kills whatever it left behind.
///
/// Blocking in poll() on a dedicated thread keeps the Swift cooperative pool free however long a step runs.
final class StepSupervisor {
    /// How often cancellation is checked while nothing else happens.
    static let tick = Duration.milliseconds(50)
    /// How long output is still read after the step's group was killed. Only a process that left the
    /// group (setsid, job control) can keep the pipe open that long; the step ends without it.
    static let drainLimit = Duration.seconds(2)

    private let child: ChildProcess
    /// The environment entries that mark the step's descendants (see ``EscapedProcesses``).
    private let markers: [String]?
    private let limits: StepLimits
    private let cancellations: [StepCancellation]
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private let deadline: ContinuousClock.Instant?
    private var log: StepLog
    private var outputOpen = true
    private var stopping: (reason: StepTermination, killAt: ContinuousClock.Instant)?
    private var killed = false
    /// The input not yet written, and whether our end of the child's standard input is still open.
    private var pendingInput: ArraySlice<UInt8>
    private var inputOpen: Bool
    private let endsInput: Bool
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 1)

    init(child: ChildProcess, markers: [String]?, limits: StepLimits, cancellations: [StepCancellation], start: ContinuousClock.Instant,
         input: [UInt8] = [], endsInput: Bool = false, redaction: Redaction = Redaction(secrets: [:]), onLine: @escaping @Sendable (String) -> Void) {
        self.child = child
        self.markers = markers
        self.limits = limits
        self.cancellations = cancellations
        self.start = start
        self.deadline = limits.timeout.map { start + $0 }
        self.log = StepLog(cap: limits.outputCap, redaction: redaction, onLine: onLine)
        pendingInput = input[...]
        inputOpen = child.input != nil
        self.endsInput = endsInput
    }

    deinit {
        buffer.deallocate()
    }

    /// Supervises the step to its end and says what happened.
    func run(startedAt: Date) -> StepOutcome {
        repeat {
            awaitActivity()
            enforceLimits()
        } while !child.hasExited()
        // The leader is gone but not yet reaped, so its group id is still its own: kill what it left running
        // (`sleep 100 &`), which would otherwise outlive the step and hold the output pipe open.
        child.signalGroup(SIGKILL)
        closeInput()
        let exit = child.reap()
        if let markers {
            EscapedProcesses.stop(markedWith: markers, grace: limits.gracePeriod) { log.note($0, at: elapsed) }
        }
        drainOutput()
        child.closeDescriptors()
        log.finish(at: elapsed)
        return StepOutcome(termination: stopping?.reason ?? exit, log: log.text, outputBytes: log.outputBytes,
                           droppedBytes: log.droppedBytes, startedAt: startedAt, duration: elapsed, processID: child.pid)
    }

    private var elapsed: Duration { clock.now - start }

    /// Waits until output arrives, the process exits or the next timer is due, and reads what arrived.
    private func awaitActivity() {
        var descriptors: [pollfd] = []
        if outputOpen { descriptors.append(pollfd(fd: child.output, events: Int16(POLLIN), revents: 0)) }
        if let notifier = child.exitNotifier { descriptors.append(pollfd(fd: notifier, events: Int16(POLLIN), revents: 0)) }
        let writing = inputOpen && !pendingInput.isEmpty
        if writing, let input = child.input { descriptors.append(pollfd(fd: input, events: Int16(POLLOUT), revents: 0)) }
        let ready = poll(&descriptors, nfds_t(descriptors.count), Self.milliseconds(nextWakeUp()))
        if ready > 0, outputOpen, descriptors[0].revents != 0 {
            readOutput()
        }
        if ready > 0, writing, descriptors[descriptors.count - 1].revents != 0 {
            writeInput()
        }
    }

    /// Writes what the input socket takes now; a child that closed its input ends the writing.
    private func writeInput() {
        guard let input = child.input else { return }
        let written = pendingInput.withUnsafeBytes { send(input, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if written > 0 {
            pendingInput = pendingInput.dropFirst(written)
            if pendingInput.isEmpty, endsInput { closeInput() }
        } else if written < 0, errno != EINTR, errno != EAGAIN {
            closeInput()
        }
    }

    /// Closes the child's standard input, once: for a remote step, the end of its input is the signal to stop.
    private func closeInput() {
        guard inputOpen, let input = child.input else { return }
        close(input)
        inputOpen = false
    }

    private func nextWakeUp() -> Duration {
        let now = clock.now
        var wait = Self.tick
        if stopping == nil, let deadline { wait = min(wait, deadline - now) }
        if let stopping, !killed { wait = min(wait, stopping.killAt - now) }
        return wait
    }

    /// Reads once, which cannot block after poll() said the pipe is readable or closed.
    private func readOutput() {
        let count = read(child.output, buffer.baseAddress, buffer.count)
        if count > 0 {
            log.append(UnsafeRawBufferPointer(rebasing: buffer[..<count]), at: elapsed)
        } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
            outputOpen = false
        }
    }

    /// Starts stopping the group on cancel or timeout, and kills it when the grace period is over.
    private func enforceLimits() {
        let now = clock.now
        if stopping == nil {
            if cancellations.contains(where: \.isCanceled) {
                beginStopping(.canceled, at: now, because: "canceled")
            } else if let deadline, now >= deadline {
                beginStopping(.timedOut, at: now, because: "timeout of \(StepLog.seconds(limits.timeout ?? .zero)) reached")
            }
        }
        if let stopping, !killed, now >= stopping.killAt {
            log.note("still running \(StepLog.seconds(limits.gracePeriod)) after SIGTERM: sending SIGKILL", at: elapsed)
            child.signalGroup(SIGKILL)
            killed = true
        }
    }

    private func beginStopping(_ reason: StepTermination, at now: ContinuousClock.Instant, because cause: String) {
        log.note("\(cause): sending SIGTERM to the step's process group", at: elapsed)
        closeInput()
        child.signalGroup(SIGTERM)
        // A stopped process (SIGSTOP, ^Z) acts on SIGTERM only once continued.
        child.signalGroup(SIGCONT)
        stopping = (reason, now + max(.zero, limits.gracePeriod))
    }

    /// Reads what the killed group left in the pipe, up to the end of the output or `drainLimit`.
    private func drainOutput() {
        let limit = clock.now + Self.drainLimit
        while outputOpen {
            let remaining = limit - clock.now
            guard remaining > .zero else {
                log.note("stopped reading output \(StepLog.seconds(Self.drainLimit)) after the step ended: "
                         + "a process that left the step's process group still holds it open", at: elapsed)
                return
            }
            var descriptor = pollfd(fd: child.output, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, Self.milliseconds(remaining)) > 0 {
                readOutput()
            }
        }
    }

    /// A poll() timeout, rounded up so a wait of 0.4 ms does not become a busy loop of zero waits.
    private static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(min(milliseconds, Int64(Int32.max)))
    }
}
