/// Why an SSH key, signature or allowed-signers line was refused.
public enum SSHKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes do not have the expected shape.
    case malformed(String)
    /// A key type other than Ed25519, or an encrypted private key.
    case unsupported(String)
    /// The signature does not match the data, or is for another namespace.
    case badSignature(String)

    public var description: String {
        switch self {
        case .malformed(let why): why
        case .unsupported(let why): why
        case .badSignature(let why): why
        }
    }
}
