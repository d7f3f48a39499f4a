import Foundation
import ITIL
import Wiki

/// The run's audit events: what each commit writes and the trailers it carries.
extension RunExecution {
    /// Queues an audit event carrying the run record and `files` (the log of the attempt that just ended).
    ///
    /// The records are encoded by the journal's writer, not here: the run goes on to its next step
    /// while another core turns this snapshot of it into files.
    func post(_ event: AuditEventName, _ subject: String, step: String? = nil, files extra: [FileChange] = [], actor: String? = nil) {
        let snapshot = run, actor = actor ?? self.actor
        journal.post { Self.event(event, subject, step: step, files: extra, actor: actor, run: snapshot) }
    }

    /// The audit event `post` queues, for `run` as it was then; it carries the run for this process's readers.
    private static func event(
        _ event: AuditEventName, _ subject: String, step: String?, files extra: [FileChange], actor: String, run: Run
    ) -> RunJournal.Event {
        let index = step.flatMap { id in run.steps.firstIndex { $0.id == id } }
        // A step's own events write only its record: rewriting the whole run (every step) for each
        // of them made a run's audit cost grow with the square of its steps. Run-level events
        // (queued, started, approvals, end) write the run record too.
        let stepOnly = event == .stepStarted || event == .stepEnded
        let files: [FileChange]
        do {
            let stepFile = try index.map { try RunFiles.write(run.steps[$0], to: RunFolder.stepRecord(of: run.id, index: $0, step: step!)) }
            let runFile = stepOnly ? nil : try RunFiles.write(run, to: RunFolder.record(of: run.id))
            files = [runFile, stepFile].compactMap { $0 } + extra
        } catch {
            // Runs and steps always encode (strings, numbers, dates); nothing to recover from here.
            preconditionFailure("a run record failed to encode: \(error)")
        }
        var trailers = Self.trailers(of: run)
        if let step {
            trailers.append(Trailer(.step, step))
            if let index, event == .stepEnded {
                let record = run.steps[index]
                trailers.append(Trailer(.attempt, String(record.attempts)))
                if let code = record.exitCode { trailers.append(Trailer(.exitCode, String(code))) }
                if let signal = record.signal { trailers.append(Trailer(.signal, String(signal))) }
                if let seconds = record.durationSeconds { trailers.append(Trailer(.duration, String(format: "%.3f", seconds))) }
            }
        }
        return RunJournal.Event(name: event, subject: "run \(run.id): " + subject, files: files, trailers: trailers, actor: actor,
                                attachment: run)
    }

    /// The trailers every event of a run carries.
    static func trailers(of run: Run) -> [Trailer] {
        [Trailer(.run, run.id.description), Trailer(.runbook, run.runbookPath), Trailer(.runbookCommit, run.runbookCommit.hex),
         Trailer(.runState, run.state.rawValue)]
    }

    /// "failed with exit status 1 after 3 attempts", "timed out", ...
    static func describe(_ step: StepRecord) -> String {
        let attempts = step.attempts > 1 ? " after \(step.attempts) attempts" : ""
        switch step.state {
        case .succeeded: return "succeeded" + attempts
        case .failed:
            if step.connectionFailed == true { return "could not reach \(step.host ?? "its host") (ssh failed, exit 255)" + attempts }
            if let hosts = step.hosts {
                let failed = hosts.filter { $0.state != .succeeded }
                return "failed on \(failed.count) of \(hosts.count) hosts (\(failed.map(\.name).joined(separator: ", ")))" + attempts
            }
            if let code = step.exitCode { return "failed with exit status \(code)" + attempts }
            if let signal = step.signal { return "was killed by signal \(signal)" + attempts }
            return "could not start"
        case .timedOut: return "timed out" + attempts
        default: return step.state.rawValue
        }
    }

    /// A host's part of a fanned-out step, in a few words.
    static func describe(_ part: StepHostRecord) -> String {
        switch part.state {
        case .succeeded: return "succeeded"
        case .failed:
            if part.connectionFailed == true { return "could not be reached (ssh failed, exit 255)" }
            if let code = part.exitCode { return "failed with exit status \(code)" }
            if let signal = part.signal { return "was killed by signal \(signal)" }
            return "failed"
        case .timedOut: return "timed out"
        default: return part.state.rawValue
        }
    }
}
