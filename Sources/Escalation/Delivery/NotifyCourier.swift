import Foundation
import ITIL
import Notify
import OnCall

/// The courier of the running server: a planned notification becomes a message for the recipient's contact method
/// (or channel), with signed links, and goes out through ``Notifier``.
public struct NotifyCourier: Courier {
    /// The on-call configuration as of the wiki's last deployment.
    let config: @Sendable () -> OnCallConfig
    let secrets: Secrets
    let notifier: Notifier
    let links: LinkMaker
    let speech: SpeechSettings
    /// Told every outcome: the channel (`webhook`, `slack`, `ntfy`, `email`, `spoken`, or `unconfigured` when the
    /// recipient's contact method could not be worked out) and whether it was delivered. For the server's metrics.
    let observe: @Sendable (_ channel: String, _ delivered: Bool) -> Void

    public init(config: @escaping @Sendable () -> OnCallConfig, secrets: Secrets, notifier: Notifier, links: LinkMaker,
                speech: SpeechSettings = SpeechSettings(), observe: @escaping @Sendable (String, Bool) -> Void = { _, _ in }) {
        self.observe = observe
        self.config = config
        self.secrets = secrets
        self.notifier = notifier
        self.links = links
        var speech = speech
        if speech.playCommand == nil { speech.playCommand = secrets.playCommand }
        self.speech = speech
    }

    public func deliver(_ notification: PlannedNotification, about incident: Incident, digest: [Incident]) async
        -> PlannedNotification.Outcome {
        let config = config()
        let destination: Destination
        do {
            destination = try self.destination(of: notification, in: config)
        } catch {
            observe("unconfigured", false)
            return .init(delivered: false, detail: "\(error)", attempts: 0, at: Date())
        }
        let kind: NotificationMessage.Kind = digest.isEmpty ? (notification.kind == .resolved ? .resolved : .page) : .digest
        let message = links.message(kind: kind, about: incident, for: notification.person, key: notification.key,
                                    recipient: notification.recipient, digest: digest)
        let outcome = await notifier.deliver(message, to: destination)
        observe(destination.channelName, outcome.succeeded)
        return .init(delivered: outcome.succeeded, detail: outcome.detail, attempts: outcome.attempts, at: Date())
    }

    /// Where the notification goes: the person's contact method, or the channel.
    func destination(of notification: PlannedNotification, in config: OnCallConfig) throws -> Destination {
        if let channel = notification.channel {
            guard let spec = config.settings.channels[channel] else { throw DeliveryProblem("no channel '\(channel)' in config/oncall.yaml") }
            return try destination(for: spec.kind)
        }
        guard let person = notification.person.flatMap({ config.people[$0] }) else {
            throw DeliveryProblem("no person '\(notification.recipient)' in oncall/people.yaml")
        }
        guard let contact = person.contact(named: notification.method) else {
            throw DeliveryProblem("\(person.id) has no contact method '\(notification.method)'")
        }
        if case .email(let address) = contact.kind { return try email(to: address) }
        return try destination(for: contact.kind)
    }

    /// The destination of a contact method or channel kind.
    public func destination(for kind: ContactMethod.Kind) throws -> Destination {
        switch kind {
        case .webhook(let secret):
            return .webhook(url: try url(secret), signingKey: secrets.webhookKey, bodyTemplate: nil)
        case .slack(let secret), .mattermost(let secret):
            return .slack(url: try url(secret))
        case .ntfy(let topic, let server, let secret):
            let base = try server.map { text in
                guard let url = URL(string: text) else { throw DeliveryProblem("ntfy server '\(text)' is not a URL") }
                return url
            } ?? secrets.ntfyServer ?? URL(string: "https://ntfy.sh")!
            let token = try secret.map { name in
                guard let value = secrets.values[name] else { throw DeliveryProblem(missing: name) }
                return value
            }
            return .ntfy(url: base.appendingPathComponent(topic), token: token)
        case .email(let address):
            return try email(to: address)
        case .spoken:
            return .spoken(speech)
        }
    }

    private func email(to address: String) throws -> Destination {
        guard let smtp = secrets.smtp else { throw DeliveryProblem("no smtp settings in the secrets file") }
        return .email(to: address, smtp: smtp)
    }

    private func url(_ secret: String) throws -> URL {
        guard let text = secrets.values[secret] else { throw DeliveryProblem(missing: secret) }
        guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https" else {
            throw DeliveryProblem("secret '\(secret)' is not an http(s) URL")
        }
        return url
    }
}

/// Why a notification could not even be sent: its recipient or a secret is missing.
struct DeliveryProblem: Error, CustomStringConvertible {
    let description: String

    init(_ text: String) { description = text }
    init(missing secret: String) { description = "no secret '\(secret)' in the secrets file (\(Secrets.fileName))" }
}
