import Dispatch

/// `transform` over `indices` on all cores, results in order.
///
/// Loading a wiki's runbooks and recovering incidents both read many blobs and parse them; a
/// worker reading one while another parses overlaps the two.
public func concurrentMap<Value: Sendable>(_ indices: Range<Int>, _ transform: @Sendable (Int) -> Value) -> [Value] {
    let slots = UnsafeMutableBufferPointer<Value?>.allocate(capacity: indices.count)
    slots.initialize(repeating: nil)
    defer {
        slots.deinitialize()
        slots.deallocate()
    }
    nonisolated(unsafe) let shared = slots
    // Each index is written by exactly one iteration and read only after all of them end.
    DispatchQueue.concurrentPerform(iterations: indices.count) { offset in
        shared[offset] = transform(indices.lowerBound + offset)
    }
    return slots.map { $0! }
}
