import Foundation

/// Each incident's next deadline (an SLA target or an auto-close, ``SLAPolicy/nextDeadline(of:)``), soonest first, so
/// the sweeper's look after every change costs what is due, not the number of incidents.
///
/// A binary min-heap with lazy deletion: a new deadline is pushed and the old entry is left in place, recognised as
/// stale later because ``current`` says otherwise. The top is never stale (``set(_:_:)`` pops stale tops), so reads
/// need no mutation; the heap is rebuilt when stale entries outnumber live ones.
struct DeadlineQueue: Sendable {
    private struct Entry: Sendable {
        let date: Date
        let number: IncidentNumber
    }

    /// The live deadline of each incident that has one.
    private var current: [IncidentNumber: Date] = [:]
    private var heap: [Entry] = []

    /// The soonest deadline of any incident.
    var earliest: Date? { heap.first?.date }

    /// Records `number`'s next deadline (nil: it has none now).
    mutating func set(_ number: IncidentNumber, _ date: Date?) {
        guard current[number] != date else { return }
        current[number] = date
        if let date { push(Entry(date: date, number: number)) }
        while let top = heap.first, current[top.number] != top.date { popTop() }
        if heap.count > 2 * current.count + 64 { rebuild() }
    }

    /// The incidents whose deadline is at or before `now`, in no order: only the heap's entries that are due are
    /// visited.
    func due(by now: Date) -> Set<IncidentNumber> {
        var found: Set<IncidentNumber> = []
        var stack = heap.isEmpty ? [] : [0]
        while let index = stack.popLast() {
            let entry = heap[index]
            guard entry.date <= now else { continue }
            if current[entry.number] == entry.date { found.insert(entry.number) }
            for child in [2 * index + 1, 2 * index + 2] where child < heap.count { stack.append(child) }
        }
        return found
    }

    private mutating func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].date < heap[parent].date else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func popTop() {
        heap.swapAt(0, heap.count - 1)
        heap.removeLast()
        siftDown(from: 0)
    }

    private mutating func siftDown(from start: Int) {
        var parent = start
        while true {
            var smallest = parent
            for child in [2 * parent + 1, 2 * parent + 2] where child < heap.count && heap[child].date < heap[smallest].date {
                smallest = child
            }
            guard smallest != parent else { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }

    /// Drops every stale entry (heapify, linear).
    private mutating func rebuild() {
        heap = current.map { Entry(date: $0.value, number: $0.key) }
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(from: index) }
    }
}
