/// The packs one handle wrote (and, for a long-running writer, those it found on disk), and which of them to merge
/// next.
///
/// Every batch of the audit log is a pack of its own, and a lookup that misses searches each pack,
/// so packs are merged as they pile up: once there are ``fanIn`` packs of the same size class
/// (objects 1-7, 8-63, 64-511 ...), they become one pack of the next class. That keeps the count
/// to a few dozen, and each object is rewritten once per class it climbs. Packs from 4,096 objects up are merged
/// with deltas, so a large pack someone pushed keeps its deltas; a small one's objects are stored whole.
struct PackShelf {
    /// How many packs of one size class are merged into one.
    static let fanIn = 8
    /// A merge of fewer objects than this is quick, and may run beside two large ones.
    static let smallMerge = 512
    /// From this many objects up, a merge stores objects as deltas of each other (about a tenth of
    /// the bytes for an audit log's trees and records) at the cost of libgit2's delta search.
    static let deltasFrom = 4096

    /// A pack written.
    struct Pack: Sendable {
        var name: String
        var objectCount: Int
    }

    private var packs: [Pack] = []

    /// How many objects the packs `names` hold.
    func objectCount(of names: [String]) -> Int {
        packs.filter { names.contains($0.name) }.reduce(0) { $0 + $1.objectCount }
    }

    /// The names of the packs it holds.
    var names: Set<String> { Set(packs.map(\.name)) }

    mutating func add(_ name: String, objects: Int) {
        packs.append(Pack(name: name, objectCount: objects))
    }

    /// The names of ``fanIn`` packs of one size class, none of them in `busy`, smallest class first,
    /// if some class has that many.
    func nextMerge(excluding busy: Set<String> = []) -> [String]? {
        let byClass = Dictionary(grouping: packs.filter { !busy.contains($0.name) }) { Self.sizeClass(of: $0.objectCount) }
        for sizeClass in byClass.keys.sorted() where byClass[sizeClass]!.count >= Self.fanIn {
            return byClass[sizeClass]!.prefix(Self.fanIn).map(\.name)
        }
        return nil
    }

    /// Records that the packs `names` were merged into the pack `name`.
    mutating func replace(_ names: [String], with name: String, objects: Int) {
        forget(names)
        add(name, objects: objects)
    }

    /// Leaves the packs `names` out of later merges.
    mutating func forget(_ names: [String]) {
        packs.removeAll { names.contains($0.name) }
    }

    /// 0 for up to 7 objects, 1 for 8 to 63, and so on.
    private static func sizeClass(of objects: Int) -> Int {
        var objects = objects / fanIn
        var sizeClass = 0
        while objects > 0 {
            objects /= fanIn
            sizeClass += 1
        }
        return sizeClass
    }
}

/// A merge of packs done on its thread: the packs it merged and the pack that holds their objects now.
struct FinishedMerge: Sendable {
    var packs: [String]
    var result: Result<PackShelf.Pack, any Error>
}
