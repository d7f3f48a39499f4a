import Foundation
import Logging
import TestReceivers
@testable import Notify

/// A page for incident 42 with links, as the escalation engine would build it.
func samplePage(labels: [String: String] = ["host": "db1"], title: String = "disk almost full on db1") -> NotificationMessage {
    NotificationMessage(
        kind: .page, incident: "INC0000042", number: 42, title: title, priority: 1, service: "db",
        labels: labels, summary: "Free space below 5%",
        incidentURL: URL(string: "http://runbook.test/incidents/42"),
        acknowledgeURL: URL(string: "http://runbook.test/incidents/42/ack?t=abc"),
        snoozeURL: URL(string: "http://runbook.test/incidents/42/snooze?t=def"),
        idempotencyKey: "page-42-alice-1", recipient: "alice")
}

/// A notifier with short delays so retry tests run in well under a second each.
func quickNotifier(attempts: Int = 3, timeout: Duration = .seconds(5)) -> Notifier {
    Notifier(
        retryPolicy: RetryPolicy(attempts: attempts, baseDelay: .milliseconds(50), maximumDelay: .milliseconds(200), attemptTimeout: timeout),
        logger: Logger(label: "notify-tests"))
}

