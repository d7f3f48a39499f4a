/// What a run does after a step fails for good, retries exhausted (fence attribute `on-failure`).
public enum FailurePolicy: String, Sendable, Codable, CaseIterable {
    /// Stop the run; later steps are not run.
    case stop
    /// Record the failure and go on with the next step.
    case `continue`
}
