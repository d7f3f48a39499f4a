import Foundation

/// The record's fields under ServiceNow's names (`short_description`, `opened_at`, …), the names people know from
/// the ITIL tools they come from. Absent optionals are left out.
extension Incident: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case number, description, caller, category, service, impact, urgency, priority, state, labels, annotations, alerts, runs, sla
        case shortDescription = "short_description"
        case openedBy = "opened_by"
        case openedAt = "opened_at"
        case assignmentGroup = "assignment_group"
        case assignedTo = "assigned_to"
        case holdReason = "hold_reason"
        case workNotes = "work_notes"
        case closeCode = "close_code"
        case closeNotes = "close_notes"
        case resolvedAt = "resolved_at"
        case resolvedBy = "resolved_by"
        case closedAt = "closed_at"
        case closedBy = "closed_by"
        case acknowledgedBy = "acknowledged_by"
        case acknowledgedAt = "acknowledged_at"
        case snoozedUntil = "snoozed_until"
        case silencedBy = "silenced_by"
        case reopenCount = "reopen_count"
        case updatedAt = "updated_at"
    }

    /// Decodes a record and checks that the stored priority agrees with impact × urgency (a hand edit of one but not
    /// the others would otherwise go unnoticed).
    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        number = try values.decode(IncidentNumber.self, forKey: .number)
        shortDescription = try values.decode(String.self, forKey: .shortDescription)
        description = try values.decode(String.self, forKey: .description)
        caller = try values.decode(String.self, forKey: .caller)
        openedBy = try values.decode(String.self, forKey: .openedBy)
        openedAt = try values.decode(Date.self, forKey: .openedAt)
        assignmentGroup = try values.decodeIfPresent(String.self, forKey: .assignmentGroup)
        assignedTo = try values.decodeIfPresent(String.self, forKey: .assignedTo)
        category = try values.decodeIfPresent(String.self, forKey: .category)
        service = try values.decodeIfPresent(String.self, forKey: .service)
        impact = try values.decode(Impact.self, forKey: .impact)
        urgency = try values.decode(Urgency.self, forKey: .urgency)
        state = try values.decode(IncidentState.self, forKey: .state)
        holdReason = try values.decodeIfPresent(HoldReason.self, forKey: .holdReason)
        workNotes = try values.decode([WorkNote].self, forKey: .workNotes)
        closeCode = try values.decodeIfPresent(CloseCode.self, forKey: .closeCode)
        closeNotes = try values.decodeIfPresent(String.self, forKey: .closeNotes)
        resolvedAt = try values.decodeIfPresent(Date.self, forKey: .resolvedAt)
        resolvedBy = try values.decodeIfPresent(String.self, forKey: .resolvedBy)
        closedAt = try values.decodeIfPresent(Date.self, forKey: .closedAt)
        closedBy = try values.decodeIfPresent(String.self, forKey: .closedBy)
        acknowledgedBy = try values.decodeIfPresent(String.self, forKey: .acknowledgedBy)
        acknowledgedAt = try values.decodeIfPresent(Date.self, forKey: .acknowledgedAt)
        snoozedUntil = try values.decodeIfPresent(Date.self, forKey: .snoozedUntil)
        silencedBy = try values.decodeIfPresent(String.self, forKey: .silencedBy)
        reopenCount = try values.decode(Int.self, forKey: .reopenCount)
        alerts = try values.decode([AlertLink].self, forKey: .alerts)
        runs = try values.decode([String].self, forKey: .runs)
        sla = try values.decode(SLAClocks.self, forKey: .sla)
        labels = try values.decode([String: String].self, forKey: .labels)
        annotations = try values.decodeIfPresent([String: String].self, forKey: .annotations) ?? [:]
        updatedAt = try values.decode(Date.self, forKey: .updatedAt)
        let storedPriority = try values.decode(Priority.self, forKey: .priority)
        guard storedPriority == priority else {
            throw DecodingError.dataCorruptedError(
                forKey: .priority, in: values,
                debugDescription: "priority \(storedPriority.rawValue) does not match impact \(impact.value) × urgency "
                    + "\(urgency.value), which is priority \(priority.rawValue)"
            )
        }
    }

    /// Encodes every field, the derived priority included so that readers of the file need not know the matrix.
    public func encode(to encoder: any Encoder) throws {
        var values = encoder.container(keyedBy: CodingKeys.self)
        try values.encode(number, forKey: .number)
        try values.encode(shortDescription, forKey: .shortDescription)
        try values.encode(description, forKey: .description)
        try values.encode(caller, forKey: .caller)
        try values.encode(openedBy, forKey: .openedBy)
        try values.encode(openedAt, forKey: .openedAt)
        try values.encodeIfPresent(assignmentGroup, forKey: .assignmentGroup)
        try values.encodeIfPresent(assignedTo, forKey: .assignedTo)
        try values.encodeIfPresent(category, forKey: .category)
        try values.encodeIfPresent(service, forKey: .service)
        try values.encode(impact, forKey: .impact)
        try values.encode(urgency, forKey: .urgency)
        try values.encode(priority, forKey: .priority)
        try values.encode(state, forKey: .state)
        try values.encodeIfPresent(holdReason, forKey: .holdReason)
        try values.encode(workNotes, forKey: .workNotes)
        try values.encodeIfPresent(closeCode, forKey: .closeCode)
        try values.encodeIfPresent(closeNotes, forKey: .closeNotes)
        try values.encodeIfPresent(resolvedAt, forKey: .resolvedAt)
        try values.encodeIfPresent(resolvedBy, forKey: .resolvedBy)
        try values.encodeIfPresent(closedAt, forKey: .closedAt)
        try values.encodeIfPresent(closedBy, forKey: .closedBy)
        try values.encodeIfPresent(acknowledgedBy, forKey: .acknowledgedBy)
        try values.encodeIfPresent(acknowledgedAt, forKey: .acknowledgedAt)
        try values.encodeIfPresent(snoozedUntil, forKey: .snoozedUntil)
        try values.encodeIfPresent(silencedBy, forKey: .silencedBy)
        try values.encode(reopenCount, forKey: .reopenCount)
        try values.encode(alerts, forKey: .alerts)
        try values.encode(runs, forKey: .runs)
        try values.encode(sla, forKey: .sla)
        try values.encode(labels, forKey: .labels)
        // Left out when empty: records written before annotations were kept read back the same.
        if !annotations.isEmpty { try values.encode(annotations, forKey: .annotations) }
        try values.encode(updatedAt, forKey: .updatedAt)
    }
}
