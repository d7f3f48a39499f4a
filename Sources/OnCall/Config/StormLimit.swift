import Foundation

/// When one person gets more than ``incidents`` new incidents within ``within`` seconds, they get a digest instead of
/// one page per incident: an alert storm should wake someone once, not fifty times.
public struct StormLimit: Sendable, Equatable, Hashable {
    /// The most new incidents paged one by one inside the window.
    public var incidents: Int
    /// The window's length in seconds.
    public var within: TimeInterval

    /// Creates a limit.
    public init(incidents: Int, within: TimeInterval) {
        self.incidents = incidents
        self.within = within
    }
}
