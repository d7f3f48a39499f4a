import Yams

/// A name used in one file that must be declared in another (a schedule's participant, a policy's channel).
///
/// Readers record references as they go; the loader checks them once every file is read, against the names that
/// were declared at all, so a reference to something declared with a mistake of its own is not reported twice.
package struct Reference {
    /// What kind of thing is named; each configuration names its own kinds (`person`, `policy`, ...).
    package struct Kind: RawRepresentable, Hashable, Sendable {
        package var rawValue: String

        package init(rawValue: String) {
            self.rawValue = rawValue
        }
    }

    package var kind: Kind
    package var name: String
    package var file: String
    package var line: Int
}

extension YAMLLint {
    /// Notes that `node` names a `kind` called `name`, to be checked when all files are read.
    package func refer(_ kind: Reference.Kind, _ name: String, at node: Node) {
        references.append(Reference(kind: kind, name: name, file: path, line: node.line))
    }
}
