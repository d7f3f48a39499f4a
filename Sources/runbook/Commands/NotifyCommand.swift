import ArgumentParser
import Escalation
import Foundation
import Logging
import Notify
import OnCall
import RunbookServer

/// `runbook notify ...`: check that notifications reach people before an incident needs them to.
struct NotifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Check that notifications reach people.",
        subcommands: [Test.self]
    )

    /// `runbook notify test`.
    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a test notification on every contact method of a person; exit 1 if any failed.",
            discussion: """
                The person and their contact methods come from the wiki's oncall/people.yaml (read as lint reads it); \
                the secrets the methods name (webhook URLs, SMTP settings, the webhook signing key) from secrets.yaml \
                in the data directory ($RUNBOOK_HOME), which is created with new keys when missing. This runs in this \
                process, never through a server: it tests this machine's secrets and network. Each method is tried once, \
                so a failure shows at once; a spoken method renders its announcement (and plays it if secrets.yaml \
                names a player).
                """
        )

        @OptionGroup var wikiOptions: WikiOptions

        @Argument(help: ArgumentHelp("The person's id in oncall/people.yaml.", valueName: "person"))
        var person: String

        @Flag(help: "Print the outcomes as JSON.")
        var json = false

        func run() async throws {
            let person = try wikiOptions.onCallConfig().person(withID: self.person)
            guard !person.contacts.isEmpty else { throw CLIError("\(person.id) has no contact methods in oncall/people.yaml") }
            let secrets = try Self.secrets()
            let count = person.contacts.count
            Console.note("sending to \(person.id): \(count) method\(count == 1 ? "" : "s")…")
            let results = await TestDelivery(person: person, secrets: secrets).send()
            if json {
                try Console.json(results)
            } else {
                results.forEach { Console.out($0.line) }
            }
            if results.contains(where: { !$0.delivered }) { throw ExitCode(1) }
        }

        /// The data directory's secrets, made (with new keys, mode 0600) on first use as the server makes them.
        private static func secrets() throws -> Secrets {
            let directory = DataDirectory.current.path
            let path = (directory as NSString).appendingPathComponent(Secrets.fileName)
            let existed = FileManager.default.fileExists(atPath: path)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let secrets = try OnCallSetup.secrets(in: directory)
            if !existed { Console.note("created \(path) with new keys; add the secrets your contact methods name under values:") }
            return secrets
        }
    }
}

/// What became of the test notification on one contact method.
struct TestDeliveryResult: Encodable, Sendable {
    var method: String
    var type: String
    var delivered: Bool
    var detail: String
    var attempts: Int

    /// `hook (webhook): delivered, HTTP 200`.
    var line: String {
        "\(method) (\(type)): \(delivered ? "delivered" : "failed"), \(Console.printable(detail))"
    }
}

/// One test notification on each of a person's contact methods at once, through the same courier as the server's pages.
struct TestDelivery: Sendable {
    let person: Person
    let secrets: Secrets

    /// Sends on every method and returns the outcomes in the order of the person's contact methods.
    func send() async -> [TestDeliveryResult] {
        // Tried once: someone running a test wants to see a failure now, not after the retries of a real page.
        let notifier = Notifier(retryPolicy: RetryPolicy(attempts: 1), logger: Logger(label: "runbook.notify") { _ in SwiftLogNoOpLogHandler() })
        // The courier needs link settings; a test message carries no links, so the base URL is never shown.
        let links = LinkMaker(baseURL: URL(string: "http://localhost")!, key: secrets.linkKey)
        let courier = NotifyCourier(config: { .empty }, secrets: secrets, notifier: notifier, links: links)
        let results = await withTaskGroup(of: (Int, TestDeliveryResult).self) { group in
            for (index, contact) in person.contacts.enumerated() {
                group.addTask { (index, await deliver(on: contact, courier: courier, notifier: notifier)) }
            }
            var results: [(Int, TestDeliveryResult)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
        await notifier.shutdown()
        return results
    }

    private func deliver(on contact: ContactMethod, courier: NotifyCourier, notifier: Notifier) async -> TestDeliveryResult {
        let type = contact.kind.typeName
        let destination: Destination
        do {
            destination = try courier.destination(for: contact.kind)
        } catch {
            return TestDeliveryResult(method: contact.name, type: type, delivered: false, detail: "\(error)", attempts: 0)
        }
        let outcome = await notifier.deliver(message(for: contact), to: destination)
        return TestDeliveryResult(method: contact.name, type: type, delivered: outcome.succeeded, detail: outcome.detail, attempts: outcome.attempts)
    }

    private func message(for contact: ContactMethod) -> NotificationMessage {
        NotificationMessage(
            kind: .test, incident: "TEST", number: 0, title: "Test notification from runbook",
            summary: "Sent by `runbook notify test \(person.id)` to check the contact method '\(contact.name)'. Nothing is wrong.",
            idempotencyKey: "test-\(person.id)-\(contact.name)-\(UUID().uuidString)", recipient: person.id)
    }
}
