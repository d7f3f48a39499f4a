/// Normalisation of what people type for a named choice, shared by the enums that parse user input.
enum TextKey {
    /// Lower case with spaces, `-`, `_` and tabs removed: "In Progress", "in-progress" and "in_progress" all give
    /// "inprogress", because the CLI and webhooks pass on whatever their users wrote.
    static func normalized(_ text: some StringProtocol) -> String {
        text.lowercased().filter { !" -_\t".contains($0) }
    }
}
