import Runbooks

/// The kinds of name the on-call files refer to across files.
extension Reference.Kind {
    static let person = Self(rawValue: "person")
    static let schedule = Self(rawValue: "schedule")
    static let channel = Self(rawValue: "channel")
    static let policy = Self(rawValue: "policy")
}
