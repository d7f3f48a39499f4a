import Executor
import Foundation
import ITIL
import RunbookAPI

/// Follows a run on the server through `GET /api/v1/runs/{id}/events` and prints its progress with
/// ``ProgressPrinter``, line for line as `runbook trigger` prints it in-process.
///
/// The stream starts with a snapshot of the run (`run`) and goes on with its progress from the start (when the server
/// executes the run or ended it a moment ago), or with further snapshots after each commit. What happened before the
/// stream opened and it does not replay is printed from the snapshot, each step's output from its committed log;
/// what the stream repeats of that is left out.
struct RunFollower {
    let client: HTTPClient
    let printer: ProgressPrinter

    /// How often a dropped or snapshot-only stream is opened again before following snapshots alone.
    private static let reconnects = 3

    /// What has been printed of each step.
    private struct Printed {
        var started = 0
        var ended = 0
        var awaiting = false
        /// Started before the stream saw it: its live output may lack its first lines, so the
        /// committed log is printed when it ends instead.
        var fromSnapshot = false
    }

    private var followed: RunID?
    /// A failed attempt seen only in a snapshot while the run goes on: whether it is retried shows
    /// only in what comes next, and the end line says so.
    private var undecided: (index: Int, step: StepRecord, log: [String])?
    private var queued = false
    private var steps: [Int: Printed] = [:]

    init(client: HTTPClient) {
        self.client = client
        printer = ProgressPrinter(server: client.baseURL)
    }

    /// Prints the run's progress until it ends; returns its final record.
    mutating func follow(_ id: RunID) async throws -> Run {
        followed = id
        var reconnects = 0
        while true {
            var snapshots = 0
            stream: for try await event in try await open(id) {
                switch event.name {
                case "run":
                    let run = try decode(Run.self, event)
                    try await catchUp(run)
                    snapshots += 1
                    // A second snapshot of a live run: the server was not yet executing it when the
                    // stream opened (it follows the record); a new stream gets the live events.
                    if snapshots > 1, reconnects < Self.reconnects, !run.state.isFinal { break stream }
                case "run-ended":
                    let run = try decode(Run.self, event)
                    try await catchUp(run)
                    printer.show(.ended(run))
                    return run
                default:
                    try await live(event)
                }
            }
            reconnects += 1
            if reconnects > Self.reconnects * 3 {
                throw TransportError.unreadable(client.url("/api/v1/runs/\(id)/events"), reason: "the event stream keeps ending before the run does")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// The event stream; a run the server lists on its incident but has not written yet is a 404 for a moment.
    private func open(_ id: RunID) async throws -> AsyncThrowingStream<ServerEvent, any Error> {
        var attempts = 0
        while true {
            do {
                _ = try await client.get(Run.self, "/api/v1/runs/\(id)")
                return try await client.events("/api/v1/runs/\(id)/events")
            } catch let error as APIError where error.status == 404 && attempts < 50 {
                attempts += 1
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// A live event, unless the snapshot already printed it.
    private mutating func live(_ event: ServerEvent) async throws {
        if event.name != "output", let undecided {
            let retried = event.name == "step-started" && (try? decode(StepEvent.self, event))?.index == undecided.index
            try await settle(retrying: retried)
        }
        switch event.name {
        case "queued":
            if !queued { printer.show(.queued(try decode(Run.self, event))) }
            queued = true
        case "step-started":
            let started = try decode(StepEvent.self, event)
            let attempt = started.attempt ?? 1
            queued = true
            var printed = steps[started.index, default: Printed()]
            // Already printed from a snapshot: the stream has this attempt from its start after all, so its
            // output lines come live.
            if attempt > printed.started { printer.show(.stepStarted(index: started.index, step: started.step, attempt: attempt)) }
            printed.started = max(printed.started, attempt)
            printed.fromSnapshot = false
            steps[started.index] = printed
        case "output":
            let output = try decode(OutputEvent.self, event)
            if steps[output.index]?.fromSnapshot != true { printer.show(.output(index: output.index, line: output.line)) }
        case "step-ended":
            let ended = try decode(StepEvent.self, event)
            try await end(ended.index, ended.step, willRetry: ended.willRetry ?? false)
        case "awaiting-approval":
            let waiting = try decode(StepEvent.self, event)
            awaitApproval(waiting.index, waiting.step)
        default:
            break
        }
    }

    /// Prints what `run` shows happened and was not printed yet, as the live events would have.
    private mutating func catchUp(_ run: Run) async throws {
        if let pending = undecided {
            if run.steps[pending.index].attempts > pending.step.attempts {
                try await settle(retrying: true)
            } else if run.state.isFinal || run.steps[(pending.index + 1)...].contains(where: { $0.state != .pending }) {
                try await settle(retrying: false)
            }
        }
        // A refused run never queued: in-process it shows only its end.
        guard run.state != .refused else { return }
        if !queued { printer.show(.queued(run)) }
        queued = true
        for (index, step) in run.steps.enumerated() {
            if step.decidedBy != nil || step.state == .awaitingApproval { awaitApproval(index, step) }
            switch step.state {
            case .pending, .skipped, .awaitingApproval, .denied:
                continue
            case .running:
                if step.attempts > steps[index, default: Printed()].started {
                    printer.show(.stepStarted(index: index, step: step, attempt: step.attempts))
                    steps[index, default: Printed()].started = step.attempts
                    steps[index, default: Printed()].fromSnapshot = true
                }
            case .succeeded, .failed, .timedOut, .canceled, .interrupted:
                guard step.log != nil else { continue }
                if step.attempts > steps[index, default: Printed()].started {
                    printer.show(.stepStarted(index: index, step: step, attempt: step.attempts))
                    steps[index, default: Printed()].started = step.attempts
                    steps[index, default: Printed()].fromSnapshot = true
                }
                let later = run.steps[(index + 1)...].contains { $0.state != .pending }
                if !run.state.isFinal, !later, [.failed, .timedOut].contains(step.state) {
                    guard undecided?.index != index else { continue }
                    // Its log now, before a retry's log replaces it.
                    let log = steps[index, default: Printed()].fromSnapshot ? try await log(of: step) : []
                    undecided = (index, step, log)
                } else {
                    try await end(index, step, willRetry: false)
                }
            }
        }
    }

    /// Prints the end of the attempt left undecided by a snapshot, now that what followed it is known.
    private mutating func settle(retrying: Bool) async throws {
        guard let (index, step, log) = undecided else { return }
        undecided = nil
        try await end(index, step, willRetry: retrying, log: log)
    }

    /// Prints a step's end once per attempt, with its committed log first when its output was not followed live.
    private mutating func end(_ index: Int, _ step: StepRecord, willRetry: Bool, log known: [String]? = nil) async throws {
        let attempt = max(step.attempts, 1)
        guard attempt > steps[index, default: Printed()].ended else { return }
        if steps[index, default: Printed()].fromSnapshot {
            let lines = if let known { known } else { try await log(of: step) }
            for line in lines { printer.show(.output(index: index, line: line)) }
        }
        printer.show(.stepEnded(index: index, step: step, willRetry: willRetry))
        steps[index, default: Printed()].ended = attempt
        steps[index, default: Printed()].fromSnapshot = false
    }

    /// Prints the approval hint once per step.
    private mutating func awaitApproval(_ index: Int, _ step: StepRecord) {
        guard !steps[index, default: Printed()].awaiting, let id = followed else { return }
        printer.show(.awaitingApproval(index: index, step: step, run: id))
        steps[index, default: Printed()].awaiting = true
    }

    /// The lines of a step's committed log (the attempt that just ended), as the live `output` events carry them.
    private func log(of step: StepRecord) async throws -> [String] {
        guard let id = followed else { return [] }
        do {
            let text = try await client.log(of: id, step: step.id)
            return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0).map(String.init)
        } catch let error as APIError where error.status == 404 {
            return []
        }
    }

    private func decode<Value: Decodable>(_ type: Value.Type, _ event: ServerEvent) throws -> Value {
        do {
            return try HTTPClient.decoder.decode(type, from: Data(event.data.utf8))
        } catch {
            throw TransportError.unreadable(client.url("/api/v1/runs"), reason: "a `\(event.name)` event: \(error)")
        }
    }

    /// `step-started`, `step-ended` and `awaiting-approval` data.
    private struct StepEvent: Decodable {
        let index: Int
        let step: StepRecord
        let attempt: Int?
        let willRetry: Bool?

        enum CodingKeys: String, CodingKey {
            case index, step, attempt
            case willRetry = "will_retry"
        }
    }

    /// `output` data.
    private struct OutputEvent: Decodable {
        let index: Int
        let line: String
    }
}
