/// How widely an incident hurts: 1 High (many users or a whole service) … 3 Low (one user or a minor part).
///
/// Together with ``Urgency`` it gives the ``Priority``. Values outside 1…3 are refused, so a record never holds one.
public struct Impact: ThreeStepScale {
    /// 1 (High), 2 (Medium) or 3 (Low).
    public let value: Int

    /// Impact 1: a whole service or many users.
    public static let high = Impact(checked: 1)
    /// Impact 2: a group of users or part of a service.
    public static let medium = Impact(checked: 2)
    /// Impact 3: one user or a minor function.
    public static let low = Impact(checked: 3)

    /// Validates `value`; throws ``IncidentError/impactOutOfRange(_:)`` unless it is 1, 2 or 3.
    public init(_ value: Int) throws(IncidentError) {
        guard (1...3).contains(value) else { throw .impactOutOfRange(value) }
        self.value = value
    }

    private init(checked value: Int) {
        self.value = value
    }
}
