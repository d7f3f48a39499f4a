import Foundation

extension SSHSigningKey {
    /// The audit signing key in the data directory: `DATA/audit/signing-key` (mode 0600), its public half beside
    /// it in `signing-key.pub`.
    public static func path(inDataDirectory dataDirectory: String) -> String {
        (dataDirectory as NSString).appendingPathComponent("audit/signing-key")
    }

    /// Reads the key at `path`, or creates it (and its `.pub`) when there is none.
    ///
    /// - Returns: the key, and whether it was created now.
    /// - Throws: ``SSHKeyError`` for a file that is not an unencrypted Ed25519 OpenSSH key, or that others may
    ///   read (a key anyone can read signs anyone's forgeries); a file system error when it cannot be written.
    public static func loadOrCreate(at path: String, comment: String) throws -> (key: SSHSigningKey, created: Bool) {
        let manager = FileManager.default
        if let data = manager.contents(atPath: path) {
            let mode = (try manager.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? 0
            guard mode & 0o077 == 0 else {
                throw SSHKeyError.unsupported("\(path) may be read by others (mode \(String(mode, radix: 8))): run `chmod 600 \(path)`")
            }
            do {
                return (try SSHSigningKey(openSSH: String(decoding: data, as: UTF8.self)), false)
            } catch let error as SSHKeyError {
                throw SSHKeyError.malformed("\(path): \(error)")
            }
        }
        let key = SSHSigningKey(comment: comment)
        let folder = (path as NSString).deletingLastPathComponent
        try manager.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = path + ".tmp\(getpid())"
        guard manager.createFile(atPath: temporary, contents: Data(key.openSSH.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary])
        }
        // Another process may have created one meanwhile: link() keeps the first, and both then use it.
        if link(temporary, path) != 0 {
            unlink(temporary)
            guard errno == EEXIST else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
            return try loadOrCreate(at: path, comment: comment)
        }
        unlink(temporary)
        _ = manager.createFile(atPath: path + ".pub", contents: Data((key.publicLine + "\n").utf8), attributes: [.posixPermissions: 0o644])
        return (key, true)
    }
}
