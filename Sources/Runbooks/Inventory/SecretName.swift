/// The names secrets go by (`from: secret.NAME`, an inventory host's `key:`): `^[a-z0-9][a-z0-9._-]*$`, at most 64
/// characters, so a name is also a safe file name in the data directory.
public enum SecretName {
    /// The rule, for messages.
    public static let rule = "lowercase letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64"

    /// Whether `name` may name a secret.
    public static func isValid(_ name: String) -> Bool {
        name.utf8.count <= 64 && Slug.isValidStepID(name) && !name.hasPrefix(".")
    }
}
