import Foundation

/// The two SLA targets of one priority: how long until someone responds and until the incident is resolved.
///
/// `nil` means no target (P5 by default): that clock never breaches.
public struct SLATargets: Sendable, Hashable, Codable {
    /// Time from opening to the first response (leaving New), in seconds.
    public var response: TimeInterval?
    /// Time from opening to resolution, in seconds.
    public var resolution: TimeInterval?

    /// Targets in seconds; `nil` for none.
    public init(response: TimeInterval?, resolution: TimeInterval?) {
        self.response = response
        self.resolution = resolution
    }

    /// No targets at all.
    public static let none = SLATargets(response: nil, resolution: nil)
}
