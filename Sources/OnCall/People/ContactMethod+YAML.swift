import Runbooks
import Yams

extension YAMLLint {
    /// The keys a contact method or channel may have.
    static let contactKeys = ["name", "type", "secret", "address", "topic", "server"]

    /// Reads the delivery part of a contact method or channel (`type:` and what that type needs) from `entries`.
    ///
    /// Keys that do not belong to the type are errors, so `{ type: email, secret: x }` is not silently read as an
    /// e-mail to nowhere.
    func contactKind(_ entries: [String: (key: Node, value: Node)], at node: Node, _ what: String) -> ContactMethod.Kind? {
        guard let typeNode = entries["type"]?.value else {
            error(node, "\(what): missing 'type' (webhook, spoken, email, ntfy, slack or mattermost)")
            return nil
        }
        guard let type = string(typeNode, "\(what).type") else { return nil }
        let fields: [String] = switch type {
        case "webhook", "slack", "mattermost": ["secret"]
        case "spoken": []
        case "email": ["address"]
        case "ntfy": ["topic", "server", "secret"]
        default: []
        }
        guard ["webhook", "slack", "mattermost", "spoken", "email", "ntfy"].contains(type) else {
            error(typeNode, "\(what): unknown type '\(type)' (webhook, spoken, email, ntfy, slack or mattermost)")
            return nil
        }
        for (key, entry) in entries where !["name", "type"].contains(key) && !fields.contains(key) {
            error(entry.key, "\(what): '\(key)' does not apply to type \(type)")
        }
        func required(_ key: String) -> String? {
            guard let valueNode = entries[key]?.value else {
                error(node, "\(what): type \(type) needs '\(key)'")
                return nil
            }
            return string(valueNode, "\(what).\(key)")
        }
        func optional(_ key: String) -> String? {
            entries[key].flatMap { string($0.value, "\(what).\(key)") }
        }
        switch type {
        case "webhook": return required("secret").map { .webhook(secret: $0) }
        case "slack": return required("secret").map { .slack(secret: $0) }
        case "mattermost": return required("secret").map { .mattermost(secret: $0) }
        case "email": return required("address").map { .email(address: $0) }
        case "ntfy": return required("topic").map { .ntfy(topic: $0, server: optional("server"), secret: optional("secret")) }
        default: return .spoken
        }
    }
}
