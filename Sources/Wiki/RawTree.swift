internal import CLibGit2
import Foundation

/// A tree's entries as git stores them (name bytes, mode, object id), kept in git's order, so an
/// audit commit can change one entry of a large folder and serialize it again without parsing the
/// tree or building a string per entry.
struct RawTree {
    /// One entry: a file or a folder.
    struct Entry {
        var name: [UInt8]
        var mode: git_filemode_t
        var oid: git_oid

        var isTree: Bool { mode == GIT_FILEMODE_TREE }
    }

    /// In git's order: by name bytes, where a folder's name sorts as if it ended in `/`.
    private(set) var entries: [Entry]

    /// The entries of a libgit2 tree; none for nil.
    init(_ tree: OpaquePointer?) {
        guard let tree else {
            entries = []
            return
        }
        let count = git_tree_entrycount(tree)
        entries = []
        entries.reserveCapacity(count)
        for index in 0..<count {
            guard let entry = git_tree_entry_byindex(tree, index) else { continue }
            let name = git_tree_entry_name(entry)!
            let bytes = [UInt8](UnsafeBufferPointer(start: UnsafeRawPointer(name).assumingMemoryBound(to: UInt8.self), count: strlen(name)))
            entries.append(Entry(name: bytes, mode: git_tree_entry_filemode(entry), oid: git_tree_entry_id(entry).pointee))
        }
    }

    /// The entry named `name`, file or folder.
    func entry(named name: [UInt8]) -> Entry? {
        position(of: name).map { entries[$0] }
    }

    /// Adds or replaces the entry named `name`.
    mutating func set(_ name: [UInt8], mode: git_filemode_t, oid: git_oid) {
        if let existing = position(of: name) { entries.remove(at: existing) }
        let entry = Entry(name: name, mode: mode, oid: oid)
        entries.insert(entry, at: insertionPoint(name, isTree: entry.isTree))
    }

    /// Removes the entry named `name`, if there is one.
    mutating func remove(_ name: [UInt8]) {
        if let existing = position(of: name) { entries.remove(at: existing) }
    }

    /// The tree object's bytes: `mode name\0<20-byte id>` per entry.
    func serialized() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(entries.reduce(0) { $0 + $1.name.count + 28 })
        for entry in entries {
            bytes.append(contentsOf: Self.octal(entry.mode.rawValue))
            bytes.append(UInt8(ascii: " "))
            bytes.append(contentsOf: entry.name)
            bytes.append(0)
            withUnsafeBytes(of: entry.oid.id) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    // MARK: - Order

    /// Where the entry named `name` is: names are unique in a tree, whichever kind it is.
    private func position(of name: [UInt8]) -> Int? {
        for isTree in [false, true] {
            let index = insertionPoint(name, isTree: isTree)
            if index < entries.count, entries[index].name == name, entries[index].isTree == isTree { return index }
        }
        return nil
    }

    /// The first position whose entry does not sort before (`name`, `isTree`).
    private func insertionPoint(_ name: [UInt8], isTree: Bool) -> Int {
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if Self.precedes(entries[middle].name, entries[middle].isTree, name, isTree) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Git's tree order: byte order, with a folder's name compared as if it ended in `/`.
    private static func precedes(_ a: [UInt8], _ aIsTree: Bool, _ b: [UInt8], _ bIsTree: Bool) -> Bool {
        let common = min(a.count, b.count)
        for index in 0..<common where a[index] != b[index] { return a[index] < b[index] }
        let nextA: UInt8? = a.count > common ? a[common] : (aIsTree ? UInt8(ascii: "/") : nil)
        let nextB: UInt8? = b.count > common ? b[common] : (bIsTree ? UInt8(ascii: "/") : nil)
        switch (nextA, nextB) {
        case (nil, nil): return false
        case (nil, _): return true
        case (_, nil): return false
        case let (x?, y?): return x < y
        }
    }

    private static func octal(_ mode: UInt32) -> [UInt8] {
        Array(String(mode, radix: 8).utf8)
    }
}
