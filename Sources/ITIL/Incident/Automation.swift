/// What the server does by itself (runs, SLA sweeps, auto-close), as the actor the audit trail names.
///
/// Never a person: its moves record the work it starts, but they do not answer the response target,
/// which only a person's act does (``IncidentEvent/acknowledged``, or a transition).
public enum Automation {
    /// The actor name of automation.
    public static let actor = "automation"
}
