/// Where an incident's escalation lives on the audit branch, next to its record:
///
/// ```
/// incidents/000/00/INC0000042/escalation/state.json   who was paged at which level, each notification's key and outcome
/// ```
///
/// Every escalation event (``AuditEventName/isEscalation``) rewrites the state file, so `git log -p` on it is the
/// escalation's history and its last version is where a restarted server picks up.
public enum EscalationFolder {
    /// The escalation's folder.
    public static func path(of number: IncidentNumber) -> String {
        IncidentRecordFile.folder(for: number) + "/escalation"
    }

    /// The escalation's state file.
    public static func state(of number: IncidentNumber) -> String {
        path(of: number) + "/state.json"
    }
}
