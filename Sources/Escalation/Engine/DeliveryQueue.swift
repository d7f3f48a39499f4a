import ITIL

/// Deliveries waiting for a place, first in first out, each taken in constant time (a storm queues thousands).
struct DeliveryQueue {
    private var incoming: [(key: String, number: IncidentNumber)] = []
    private var outgoing: [(key: String, number: IncidentNumber)] = []

    mutating func push(_ key: String, of number: IncidentNumber) {
        incoming.append((key, number))
    }

    /// The oldest waiting delivery, if any.
    mutating func pop() -> (key: String, number: IncidentNumber)? {
        if outgoing.isEmpty {
            outgoing = incoming.reversed()
            incoming = []
        }
        return outgoing.popLast()
    }
}
