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
            if 2 * index + 1 < heap.count { stack.append(2 * index + 1) }
            if 2 * index + 2 < heap.count { stack.append(2 * index + 2) }
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
            // Two comparisons, not a loop over an array of the children: this runs for every incident stored.
            let (left, right) = (2 * parent + 1, 2 * parent + 2)
            if left < heap.count, heap[left].date < heap[smallest].date { smallest = left }
            if right < heap.count, heap[right].date < heap[smallest].date { smallest = right }
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
