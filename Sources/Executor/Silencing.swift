/// The silence (maintenance window) an alert matched: its incident is recorded, but nothing runs and nobody is paged.
public struct Silencing: Sendable, Hashable {
    public var id: String
    /// Why, as its author wrote it.
    public var comment: String

    public init(id: String, comment: String) {
        self.id = id
        self.comment = comment
    }
}
