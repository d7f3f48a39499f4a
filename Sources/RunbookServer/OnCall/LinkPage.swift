import Foundation
import ITIL
import Notify

/// The small pages of signed links: plain HTML, every text from the incident escaped.
enum LinkPage {
    static func confirm(_ link: SignedLink, incident: Incident, path: String) -> String {
        let verb = switch link.action {
        case .acknowledge: "Acknowledge"
        case .snooze: "Snooze"
        case .unacknowledge: "Withdraw the acknowledgement of"
        }
        let snooze = link.action == .snooze
            ? #"<label>for <select name="minutes"><option value="30">30 minutes</option><option value="60" selected>1 hour</option>"#
                + #"<option value="240">4 hours</option></select></label> "#
            : ""
        return page("""
            <h1>\(verb) \(incident.number)?</h1>
            <p><strong>\(escape(incident.shortDescription))</strong></p>
            <p>Priority \(incident.priority.rawValue), \(escape(incident.state.title))\(incident.acknowledgedBy.map { ", acknowledged by \(escape($0))" } ?? "").</p>
            <form method="post" action="\(escape(path))">\(snooze)<button type="submit">\(verb) as \(escape(link.person))</button></form>
            """)
    }

    static func done(_ message: String) -> String {
        page("<h1>Done</h1><p>\(escape(message))</p>")
    }

    static func refused(_ message: String) -> String {
        page("<h1>Not done</h1><p>\(escape(message))</p>")
    }

    private static func page(_ body: String) -> String {
        """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
        <meta name="robots" content="noindex"><title>runbook</title></head><body>\(body)</body></html>
        """
    }

    static func escape(_ text: String) -> String { HTMLText.escape(text) }
}
