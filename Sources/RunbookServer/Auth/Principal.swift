/// Who made a request: the token's name, which is the actor in the audit trail, and its role.
public struct Principal: Sendable, Equatable {
    public let name: String
    public let role: Role

    public init(name: String, role: Role) {
        self.name = name
        self.role = role
    }
}
