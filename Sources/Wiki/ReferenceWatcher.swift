import Dispatch
import Foundation

/// Says when a repository's branches may have moved, as the kernel sees it happen: another process
/// committed to the audit branch, someone pushed to the wiki.
///
/// git and libgit2 move a branch by writing `refs/heads/NAME.lock` and renaming it over
/// `refs/heads/NAME`; `git pack-refs` and `git gc` rewrite `packed-refs`; a checkout rewrites `HEAD`.
/// The watcher asks inotify for the folders those files live in and calls back on any change of
/// one of them: a hint to look at the branch, which may not have moved (this process's own commits
/// call back too). Callbacks come on a queue of the watcher's own, one at a time.
public final class ReferenceWatcher: Sendable {
    /// Dispatch sources are safe to cancel from any thread; the type just does not say so.
    private nonisolated(unsafe) let source: any DispatchSourceRead

    /// Watches `branches` (names like `audit` or `main`) of `repository`, and `HEAD`.
    ///
    /// - Throws: ``WikiError/watchFailed(path:reason:)`` when inotify cannot be set up (its limits
    ///   reached, or not Linux); the caller then looks at the branch on a timer instead.
    public init(repository: Repository, branches: [String], onChange: @escaping @Sendable () -> Void) throws {
        let descriptor = inotify_init1(Int32(IN_NONBLOCK) | Int32(IN_CLOEXEC))
        guard descriptor >= 0 else { throw WikiError.watchFailed(path: repository.gitDirectory, reason: String(cString: strerror(errno))) }
        var watched: Set<String> = ["HEAD", "packed-refs"]
        var folders: Set<String> = [repository.gitDirectory]
        for branch in branches {
            let path = try Repository.branchReference(branch)  // refs/heads/NAME
            let file = repository.gitDirectory + "/" + path
            folders.insert((file as NSString).deletingLastPathComponent)
            watched.insert((path as NSString).lastPathComponent)
        }
        let mask = UInt32(IN_MOVED_TO) | UInt32(IN_CLOSE_WRITE) | UInt32(IN_DELETE) | UInt32(IN_CREATE)
        for folder in folders {
            // A folder that does not exist yet (a branch under a new prefix) is skipped: its branch is
            // also found through packed-refs, and the caller looks once at start anyway.
            guard FileManager.default.fileExists(atPath: folder) else { continue }
            guard inotify_add_watch(descriptor, folder, mask) >= 0 else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw WikiError.watchFailed(path: folder, reason: reason)
            }
        }
        let names = watched
        source = DispatchSource.makeReadSource(fileDescriptor: descriptor, queue: DispatchQueue(label: "runbook.reference-watcher"))
        source.setEventHandler {
            if Self.drain(descriptor, names: names) { onChange() }
        }
        source.setCancelHandler { close(descriptor) }
        source.resume()
    }

    deinit {
        source.cancel()
    }

    /// Stops watching; no callback comes after this returns... except one already running.
    public func stop() {
        source.cancel()
    }

    /// Reads every pending event; true when one names a watched file.
    private static func drain(_ descriptor: Int32, names: Set<String>) -> Bool {
        var relevant = false
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { return relevant }
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= count {
                let (length, name) = buffer.withUnsafeBytes { bytes -> (Int, String) in
                    let event = bytes.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    let start = offset + MemoryLayout<inotify_event>.size
                    let raw = bytes[start..<min(start + Int(event.len), count)].prefix { $0 != 0 }
                    return (Int(event.len), String(decoding: raw, as: UTF8.self))
                }
                if names.contains(name) { relevant = true }
                offset += MemoryLayout<inotify_event>.size + length
            }
        }
    }
}
