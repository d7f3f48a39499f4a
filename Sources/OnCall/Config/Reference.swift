import Yams

/// A name used in one file that must be declared in another (a schedule's participant, a policy's channel).
///
/// Readers record references as they go; the loader checks them once every file is read, against the names that
/// were declared at all, so a reference to something declared with a mistake of its own is not reported twice.
struct Reference {
    /// What kind of thing is named.
    enum Kind: String {
        case person, schedule, channel, policy
    }

    var kind: Kind
    var name: String
    var file: String
    var line: Int
}

extension YAMLLint {
    /// Notes that `node` names a `kind` called `name`, to be checked when all files are read.
    func refer(_ kind: Reference.Kind, _ name: String, at node: Node) {
        references.append(Reference(kind: kind, name: name, file: path, line: node.line))
    }
}
