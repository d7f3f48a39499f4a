import Foundation
import Runbooks

/// Named secrets kept in the data directory, one file each (`secrets/NAME`, mode 0600, in a folder of mode 0700),
/// never in the wiki: what `from: secret.NAME` parameters receive, and the private keys of the inventory's hosts.
///
/// A file per secret because `ssh` takes a private key only as a file, and so that setting one secret rewrites
/// nothing else. Writes are atomic (a temporary file, fsync, rename, directory fsync): a crash leaves the old
/// value or the new one, never half of one.
public struct SecretStore: Sendable {
    /// The folder of secret files.
    public let directory: String

    /// The folder's name in the data directory.
    public static let folderName = "secrets"
    /// The largest secret accepted: a private key or a token, not a file to ship.
    public static let maximumBytes = 64 * 1024

    public init(directory: String) {
        self.directory = directory
    }

    /// The store of the data directory at `path`.
    public init(dataDirectory path: String) {
        self.init(directory: (path as NSString).appendingPathComponent(Self.folderName))
    }

    /// One stored secret, without its value.
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var bytes: Int
        public var modified: Date
    }

    /// The file holding `name`, whether or not it exists.
    public func path(of name: String) -> String {
        (directory as NSString).appendingPathComponent(name)
    }

    /// The value of `name`, or `nil` when there is no such secret.
    ///
    /// - Throws: ``SecretError`` when the file is readable by others or cannot be read.
    public func value(of name: String) throws(SecretError) -> String? {
        guard SecretName.isValid(name) else { throw SecretError(name: name, message: "not a secret name (\(SecretName.rule))") }
        let file = path(of: name)
        var info = stat()
        guard lstat(file, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw SecretError(name: name, message: "cannot read \(file): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else { throw SecretError(name: name, message: "\(file) is not a regular file") }
        guard info.st_mode & 0o077 == 0 else {
            throw SecretError(name: name, message: String(format: "%@ is readable by others (mode %o); run: chmod 600 %@", file, info.st_mode & 0o777, file))
        }
        guard let data = FileManager.default.contents(atPath: file) else { throw SecretError(name: name, message: "cannot read \(file)") }
        return String(decoding: data, as: UTF8.self)
    }

    /// Every secret's name, size and time of change, by name. Values are not read.
    public func list() -> [Entry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter(SecretName.isValid).sorted().compactMap { name in
            var info = stat()
            guard lstat(path(of: name), &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
            return Entry(name: name, bytes: Int(info.st_size), modified: Date(timeIntervalSince1970: TimeInterval(info.st_mtim.tv_sec)))
        }
    }

    /// Every secret that can be read, name → value; one that cannot (a loose mode) is left out.
    public func values() -> [String: String] {
        var values: [String: String] = [:]
        for entry in list() {
            if let value = try? value(of: entry.name) { values[entry.name] = value }
        }
        return values
    }

    /// Stores `value` as `name`, replacing any earlier value, durably.
    public func set(_ name: String, to value: Data) throws(SecretError) {
        guard SecretName.isValid(name) else { throw SecretError(name: name, message: "not a secret name (\(SecretName.rule))") }
        guard value.count <= Self.maximumBytes else {
            throw SecretError(name: name, message: "\(value.count) bytes is more than the limit of \(Self.maximumBytes)")
        }
        guard !value.contains(0) else { throw SecretError(name: name, message: "the value holds a NUL byte; steps get secrets as environment variables") }
        try makeDirectory()
        let temporary = path(of: ".\(name).\(getpid()).new")
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw failure(name, "create", temporary) }
        let written = value.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == value.count, synced else {
            unlink(temporary)
            throw failure(name, "write", temporary)
        }
        guard rename(temporary, path(of: name)) == 0 else {
            unlink(temporary)
            throw failure(name, "rename", temporary)
        }
        syncDirectory()
    }

    /// Removes `name`; false when there was no such secret.
    @discardableResult
    public func remove(_ name: String) throws(SecretError) -> Bool {
        guard SecretName.isValid(name) else { throw SecretError(name: name, message: "not a secret name (\(SecretName.rule))") }
        guard unlink(path(of: name)) == 0 else {
            if errno == ENOENT { return false }
            throw failure(name, "remove", path(of: name))
        }
        syncDirectory()
        return true
    }

    private func makeDirectory() throws(SecretError) {
        if mkdir(directory, 0o700) != 0, errno != EEXIST {
            let parent = (directory as NSString).deletingLastPathComponent
            do {
                try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            } catch {
                throw SecretError(name: "", message: "cannot create \(parent): \(error.localizedDescription)")
            }
            guard mkdir(directory, 0o700) == 0 || errno == EEXIST else { throw failure("", "create", directory) }
        }
        // A folder made earlier by hand with a looser mode would let others list the names.
        chmod(directory, 0o700)
    }

    private func syncDirectory() {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    private func failure(_ name: String, _ action: String, _ file: String) -> SecretError {
        SecretError(name: name, message: "cannot \(action) \(file): \(String(cString: strerror(errno)))")
    }
}

/// A secret that cannot be read or written, and why.
public struct SecretError: Error, Sendable, CustomStringConvertible {
    public var name: String
    public var message: String

    public var description: String { name.isEmpty ? message : "secret '\(name)': \(message)" }
}
