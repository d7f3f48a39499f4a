import Foundation
import Logging
import NIOSSL

/// The email channel's delivery: build the message, run one SMTP session, sort the result.
struct SMTPDelivery: Sendable {
    var settings: SMTPSettings
    var logger: Logger

    func send(_ message: NotificationMessage, to address: String) async -> AttemptResult {
        let mail: MailMessage
        do {
            mail = MailMessage(
                message: message, from: try MailAddress(settings.from), fromName: settings.fromName,
                to: try MailAddress(address), date: Date())
        } catch {
            return .permanent(error.description)
        }
        do {
            let reply = try await SMTPSession(settings: settings).send(mail.rendered(), from: mail.from, to: mail.to)
            return .accepted("SMTP \(reply.text)")
        } catch let error as SMTPError {
            return error.isTransient ? .transient(error.description) : .permanent(error.description)
        } catch let error as NIOSSLError {
            return .permanent("TLS failed: \(error)")
        } catch let error as BoringSSLError {
            return .permanent("TLS failed: \(error)")
        } catch {
            return .transient(Notifier.describe(error))
        }
    }
}
