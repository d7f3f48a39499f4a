/// Whether a successful run resolves its incident (front matter `resolve: auto|never`).
public enum ResolvePolicy: String, Sendable, Codable, CaseIterable {
    /// A run whose steps all succeed resolves the incident.
    case auto
    /// Runs never resolve the incident: for runbooks that only gather diagnostics or mitigate partially.
    case never
}
