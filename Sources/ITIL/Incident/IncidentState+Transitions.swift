extension IncidentState {
    /// The states this one may move to, following ServiceNow's conventions.
    ///
    /// - New, In Progress and On Hold move among themselves (never back to New), to Resolved, or to Canceled.
    /// - Resolved either reopens (In Progress) or closes; it is not canceled, because it was real work.
    /// - Closed and Canceled are final: a closed incident is never reopened, a new one is opened instead.
    /// - Closing needs a resolution first, so nothing but Resolved moves to Closed.
    public var allowedNextStates: [IncidentState] {
        switch self {
        case .new: [.inProgress, .onHold, .resolved, .canceled]
        case .inProgress: [.onHold, .resolved, .canceled]
        case .onHold: [.inProgress, .resolved, .canceled]
        case .resolved: [.inProgress, .closed]
        case .closed, .canceled: []
        }
    }

    /// Whether the state machine allows moving from this state to `next`.
    public func canMove(to next: IncidentState) -> Bool {
        allowedNextStates.contains(next)
    }
}
