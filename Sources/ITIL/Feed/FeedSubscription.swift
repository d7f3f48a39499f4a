import Wiki

/// One subscriber's place in an ``AuditFeed``: a ``Mailbox`` of the items it wants, and where in the
/// stream it began.
///
/// The feed never waits for a subscriber: an item that finds the mailbox full ends the subscription
/// (``Mailbox/overflowed``), and the subscriber picks up from the last item it read
/// (``AuditFeed/recent(after:before:)``, or the audit history). Closing the mailbox, or letting go of
/// the subscription, unsubscribes.
public final class FeedSubscription: Sendable {
    /// The items, as they are published.
    public let mailbox: Mailbox<AuditFeed.Item>
    /// The last commit published before the subscription began: the mailbox holds what comes after it.
    public let after: ObjectID?
    /// The last item published before the subscription began, for ``AuditFeed/recent(after:before:)``.
    public let sequence: UInt64
    let wants: @Sendable (AuditFeed.Item) -> Bool

    init(mailbox: Mailbox<AuditFeed.Item>, wants: @escaping @Sendable (AuditFeed.Item) -> Bool, after: ObjectID?, sequence: UInt64) {
        self.mailbox = mailbox
        self.wants = wants
        self.after = after
        self.sequence = sequence
    }

    deinit {
        mailbox.close()
    }

    /// Whether it ended because the subscriber fell behind, not because it was canceled.
    public var overflowed: Bool { mailbox.overflowed }

    /// The next item, waiting up to `timeout` (forever when nil).
    public func next(timeout: Duration? = nil) async -> Mailbox<AuditFeed.Item>.Next {
        await mailbox.next(timeout: timeout)
    }

    /// Ends the subscription.
    public func cancel() {
        mailbox.close()
    }

    func offer(_ item: AuditFeed.Item) {
        if wants(item) { mailbox.post(item) }
    }
}

extension FeedSubscription: AsyncSequence {
    public typealias Element = AuditFeed.Item

    public func makeAsyncIterator() -> Mailbox<AuditFeed.Item>.AsyncIterator { mailbox.makeAsyncIterator() }
}
