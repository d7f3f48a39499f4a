import Foundation
import ITIL

/// Steps that wait for a person: the run lets go of its worker, says what it waits for, and goes on
/// when it hears a decision (``RunWatch``).
extension RunExecution {
    /// Waits for a decision on step `index`; true when approved (the run holds a worker again then).
    func approve(_ index: Int) async throws -> Bool {
        let step = run.steps[index]
        if step.state != .awaitingApproval {
            run.state = .awaitingApproval
            run.steps[index].state = .awaitingApproval
            post(.approvalRequested, "step \(step.id) awaits approval", step: step.id)
        }
        releaseWorker()
        watch.expect(decisionOn: step.id)
        try await journal.drain()
        progress(.awaitingApproval(index: index, step: run.steps[index], run: run.id))
        while true {
            let seen = watch.signal.generation
            if cancellation.isCanceled {
                // A server shutting down leaves the run waiting, for the next one to resume.
                if canceledBy.interrupting { throw RunSuspended() }
                run.steps[index].state = .canceled
                stop(.canceled, at: index + 1, because: canceledReason())
                post(.stepEnded, "step \(step.id) canceled while awaiting approval", step: step.id)
                return false
            }
            if let decision = watch.decision(on: step.id) {
                guard decide(index, decision) else { return false }
                try await retakeWorker()
                return !cancellation.isCanceled
            }
            // The problem went away (the alert resolved, or someone closed the incident): what waits
            // for approval was meant for a problem that is no longer there.
            if let state = watch.incidentClosedAs {
                run.steps[index].state = .canceled
                stop(.canceled, at: index + 1, because: "\(run.id.incident) became \(state.title) while step \(step.id) awaited approval")
                post(.stepEnded, "step \(step.id) canceled: \(run.id.incident) is \(state.title)", step: step.id)
                return false
            }
            await watch.signal.wait(after: seen)
        }
    }

    /// Applies a decision on step `index`; true when it lets the run go on.
    private func decide(_ index: Int, _ decision: Decision) -> Bool {
        let id = run.steps[index].id
        run.steps[index].decidedBy = decision.by
        run.steps[index].decisionReason = decision.reason
        if decision.verdict == .approve {
            run.state = .running
            run.steps[index].state = .pending
            post(.approved, "step \(id) resumes, approved by \(decision.by)", step: id, actor: decision.by)
            return true
        }
        run.steps[index].state = .denied
        stop(.denied, at: index + 1, because: "step \(id) denied by \(decision.by)" + (decision.reason.map { ": \($0)" } ?? ""))
        post(.denied, "stopped, step \(id) denied by \(decision.by)", step: id, actor: decision.by)
        return false
    }
}
