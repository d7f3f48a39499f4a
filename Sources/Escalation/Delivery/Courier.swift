import Foundation
import ITIL

/// Delivers one planned notification; the engine records what it answers.
///
/// A courier never throws and never waits longer than its own timeouts: a failure is an outcome like any other.
public protocol Courier: Sendable {
    /// Sends `notification` about `incident`; `digest` holds the incidents of a digest (the recipient's held-back
    /// pages), empty otherwise.
    func deliver(_ notification: PlannedNotification, about incident: Incident, digest: [Incident]) async
        -> PlannedNotification.Outcome
}
