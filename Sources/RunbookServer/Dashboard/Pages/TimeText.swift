import Foundation

/// Times as the dashboard shows them: relative for people ("12m ago", "in 4m"), exact in `datetime` attributes for
/// the script that keeps countdowns running and for anyone hovering.
enum TimeText {
    /// `2026-12-03T11:32:54Z`.
    static func iso(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    /// `45s`, `12m`, `3h 05m`, `2d 4h`.
    static func span(_ seconds: TimeInterval) -> String {
        let total = Int(abs(seconds).rounded(.down))
        switch total {
        case ..<60: return "\(total)s"
        case ..<3600: return "\(total / 60)m"
        case ..<86_400: return "\(total / 3600)h \(String(format: "%02d", total % 3600 / 60))m"
        default: return "\(total / 86_400)d \(total % 86_400 / 3600)h"
        }
    }

    /// A `<time>` saying how long ago `date` was.
    static func ago(_ date: Date, now: Date) -> HTML {
        "<time datetime=\"\(iso(date))\" title=\"\(iso(date))\">\(span(now.timeIntervalSince(date))) ago</time>"
    }

    /// An SLA target: met or missed once it stopped, else a countdown that turns red (class `breached`) once due.
    /// The script counts `data-due` down every second; without it the page shows the time of rendering.
    static func countdown(due: Date?, met: Bool?, paused: Bool = false, now: Date) -> HTML {
        guard let due else { return "<span class=\"muted\">none</span>" }
        if let met {
            return met ? "<span class=\"sla met\">met</span>" : "<span class=\"sla breached\">missed</span>"
        }
        if paused { return "<span class=\"sla paused\" title=\"\(iso(due))\">paused</span>" }
        let left = due.timeIntervalSince(now)
        let text = left >= 0 ? "in \(span(left))" : "\(span(left)) over"
        return "<time class=\"sla countdown\(left < 0 ? " breached" : "")\" datetime=\"\(iso(due))\" data-due=\"\(iso(due))\">\(text)</time>"
    }

    /// A plain time, `2026-12-03 11:32:54 UTC`.
    static func plain(_ date: Date) -> HTML {
        "<time datetime=\"\(iso(date))\">\(iso(date).replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " UTC"))</time>"
    }
}
