/// How soon an incident must be dealt with: 1 High (now) … 3 Low (it can wait).
///
/// Together with ``Impact`` it gives the ``Priority``. Values outside 1…3 are refused, so a record never holds one.
public struct Urgency: ThreeStepScale {
    /// 1 (High), 2 (Medium) or 3 (Low).
    public let value: Int

    /// Urgency 1: the business cannot wait; alerts of severity critical.
    public static let high = Urgency(checked: 1)
    /// Urgency 2: needs attention soon; severity error or warning.
    public static let medium = Urgency(checked: 2)
    /// Urgency 3: can wait; severity info.
    public static let low = Urgency(checked: 3)

    /// Validates `value`; throws ``IncidentError/urgencyOutOfRange(_:)`` unless it is 1, 2 or 3.
    public init(_ value: Int) throws(IncidentError) {
        guard (1...3).contains(value) else { throw .urgencyOutOfRange(value) }
        self.value = value
    }

    private init(checked value: Int) {
        self.value = value
    }
}

