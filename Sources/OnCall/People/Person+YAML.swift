import Foundation
import Runbooks
import Yams

/// Reads `oncall/people.yaml`: a `people:` list of people with their contact methods and notification rule.
struct PeopleReader {
    /// Where the file lives in the wiki.
    static let path = "oncall/people.yaml"

    let lint: YAMLLint

    /// The people read without errors, and every id the file declares (clean or not) for reference checks.
    func read(_ text: String) -> (people: [Person], declared: Set<PersonID>) {
        guard let root = lint.compose(text), let entries = lint.mapping(root, "people.yaml", known: ["people"]),
              let list = entries["people"].flatMap({ lint.sequence($0.value, "people") })
        else { return ([], []) }
        var people: [Person] = []
        var declared: Set<PersonID> = []
        for node in list {
            let errorsBefore = lint.errorCount
            guard let person = person(node) else { continue }
            guard declared.insert(person.id).inserted else {
                lint.error(node, "person '\(person.id)' is listed twice")
                continue
            }
            if lint.errorCount == errorsBefore {
                people.append(person)
            }
        }
        return (people, declared)
    }

    /// One person; `nil` only when it has no usable id (other mistakes are reported and the person still returned,
    /// so that its id counts as declared).
    private func person(_ node: Node) -> Person? {
        guard let entries = lint.mapping(node, "person", known: ["id", "name", "time_zone", "contacts", "notify"]) else { return nil }
        guard let idNode = entries["id"]?.value else {
            lint.error(node, "person: missing 'id'")
            return nil
        }
        guard let id = lint.string(idNode, "person.id") else { return nil }
        let what = "person '\(id)'"
        let name = entries["name"].flatMap { lint.string($0.value, "\(what).name") } ?? id
        let zone = entries["time_zone"].flatMap { lint.timeZone($0.value, "\(what).time_zone") }
        let contacts = entries["contacts"].map { self.contacts($0.value, what) } ?? []
        let notify = entries["notify"].map { rules($0.value, what, contacts: contacts) } ?? []
        if notify.isEmpty {
            lint.warning(line: node.line, "\(what) has no 'notify' rule, so paging them reaches nobody")
        }
        return Person(id: id, name: name, timeZone: zone, contacts: contacts, notify: notify)
    }

    private func contacts(_ node: Node, _ what: String) -> [ContactMethod] {
        var contacts: [ContactMethod] = []
        for item in lint.sequence(node, "\(what).contacts") ?? [] {
            guard let entries = lint.mapping(item, "\(what) contact", known: YAMLLint.contactKeys) else { continue }
            guard let nameNode = entries["name"]?.value, let name = lint.string(nameNode, "\(what) contact name") else {
                if entries["name"] == nil { lint.error(item, "\(what) contact: missing 'name'") }
                continue
            }
            guard let kind = lint.contactKind(entries, at: item, "\(what) contact '\(name)'") else { continue }
            if contacts.contains(where: { $0.name == name }) {
                lint.error(nameNode, "\(what): contact '\(name)' is defined twice")
                continue
            }
            contacts.append(ContactMethod(name: name, kind: kind))
        }
        return contacts
    }

    private func rules(_ node: Node, _ what: String, contacts: [ContactMethod]) -> [NotificationRule] {
        var rules: [NotificationRule] = []
        for item in lint.sequence(node, "\(what).notify") ?? [] {
            guard let entries = lint.mapping(item, "\(what) notify", known: ["contact", "after"]) else { continue }
            guard let contactNode = entries["contact"]?.value else {
                lint.error(item, "\(what) notify: missing 'contact'")
                continue
            }
            guard let contact = lint.string(contactNode, "\(what) notify contact") else { continue }
            guard contacts.contains(where: { $0.name == contact }) else {
                let known = contacts.map(\.name).joined(separator: ", ")
                lint.error(contactNode, "\(what) notify: no contact method named '\(contact)' (defined: \(known.isEmpty ? "none" : known))")
                continue
            }
            let after = entries["after"].map { lint.duration($0.value, "\(what) notify after") } ?? 0
            if let after {
                rules.append(NotificationRule(contact: contact, after: after))
            }
        }
        return rules
    }
}
