import Foundation

/// The settings of `config/oncall.yaml`: default policies by priority, acknowledgement timeout, storm limit and
/// named channels.
public struct OnCallSettings: Sendable, Equatable {
    /// Where the settings live in the wiki.
    public static let path = "config/oncall.yaml"

    /// The policy paged for an incident of each priority (1 to 5) when its runbook names none.
    public var defaultPolicies: [Int: String]
    /// The policy for priorities not in ``defaultPolicies`` (the `"*"` key); without it they page nobody.
    public var defaultPolicyForOtherPriorities: String?
    /// Seconds after which an acknowledged but unresolved incident is paged again; `nil` never.
    public var acknowledgementTimeout: TimeInterval?
    /// When to send a digest instead of single pages; `nil` always single pages.
    public var storm: StormLimit?
    /// Channels by name.
    public var channels: [String: ChannelSpec]

    /// Creates settings.
    public init(
        defaultPolicies: [Int: String] = [:], defaultPolicyForOtherPriorities: String? = nil, acknowledgementTimeout: TimeInterval? = nil,
        storm: StormLimit? = nil, channels: [String: ChannelSpec] = [:]
    ) {
        self.defaultPolicies = defaultPolicies
        self.defaultPolicyForOtherPriorities = defaultPolicyForOtherPriorities
        self.acknowledgementTimeout = acknowledgementTimeout
        self.storm = storm
        self.channels = channels
    }

    /// No defaults, no timeout, no storm limit, no channels: what an absent `config/oncall.yaml` means.
    public static let empty = OnCallSettings()

    /// The name of the policy for `priority`, if any.
    public func defaultPolicy(forPriority priority: Int) -> String? {
        defaultPolicies[priority] ?? defaultPolicyForOtherPriorities
    }
}
