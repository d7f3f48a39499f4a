import Foundation
import Testing
@testable import Notify

@Suite("Signed links")
struct SignedLinkTests {
    let key = LinkKey.generate()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    private func token(incident: Int = 42, action: SignedLink.Action = .acknowledge, person: String = "alice", expiresIn: TimeInterval = 3600) -> String {
        SignedLink(incident: incident, person: person, action: action, expires: now.addingTimeInterval(expiresIn)).token(key: key)
    }

    @Test("A valid token gives the person and action back, and is URL-safe")
    func valid() throws {
        let token = token(person: "Zoë O'Brien/ops")
        let link = try SignedLink.verify(token, incident: 42, action: .acknowledge, now: now, key: key)
        #expect(link.person == "Zoë O'Brien/ops")
        #expect(link.action == .acknowledge)
        #expect(token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
    }

    @Test("A token with one character changed is forged, wherever the change is")
    func forged() throws {
        let token = Array(token())
        let expiryDigit = token.lastIndex(of: ".")! - 2
        let positions = [10, expiryDigit, token.count - 40, token.count - 20]
        for position in positions {
            var changed = token
            changed[position] = changed[position] == "A" ? "B" : "A"
            #expect(throws: SignedLinkError.forged) {
                try SignedLink.verify(String(changed), incident: 42, now: now, key: key)
            }
        }
        #expect(throws: SignedLinkError.forged) {
            try SignedLink.verify(String(token), incident: 42, now: now, key: LinkKey.generate())
        }
    }

    @Test("A token is refused once it has expired")
    func expired() {
        let token = token(expiresIn: 60)
        #expect(throws: Never.self) { try SignedLink.verify(token, incident: 42, now: now.addingTimeInterval(59), key: key) }
        #expect(throws: SignedLinkError.expired(now.addingTimeInterval(60))) {
            try SignedLink.verify(token, incident: 42, now: now.addingTimeInterval(60), key: key)
        }
    }

    @Test("A token for another incident is refused as such")
    func otherIncident() {
        #expect(throws: SignedLinkError.otherIncident(41)) {
            try SignedLink.verify(token(incident: 41), incident: 42, now: now, key: key)
        }
    }

    @Test("A token for snoozing cannot acknowledge, and editing its action makes it forged")
    func wrongAction() {
        let snooze = token(action: .snooze)
        #expect(throws: SignedLinkError.wrongAction(.snooze)) {
            try SignedLink.verify(snooze, incident: 42, action: .acknowledge, now: now, key: key)
        }
        let edited = snooze.replacingOccurrences(of: ".snooze.", with: ".acknowledge.")
        #expect(throws: SignedLinkError.forged) { try SignedLink.verify(edited, incident: 42, now: now, key: key) }
    }

    @Test("Garbage is malformed; a well-formed token with a made-up signature is forged")
    func malformed() {
        let fakeMAC = String(repeating: "A", count: 43)
        #expect(throws: SignedLinkError.forged) {
            try SignedLink.verify("v1.42.YWxpY2U.acknowledge.1900000000.\(fakeMAC)", incident: 42, now: now, key: key)
        }
        for garbage in ["", "abc", "v1.42.YWxpY2U.acknowledge.1800003600", "v1.42.YWxpY2U.acknowledge.1.!!!", "v1.42.YWxpY2U.acknowledge.1."] {
            #expect(throws: SignedLinkError.malformed) { try SignedLink.verify(garbage, incident: 42, now: now, key: key) }
        }
    }

    @Test("A key survives base64 and a short or broken key is refused")
    func keyEncoding() throws {
        let restored = try LinkKey(base64: key.base64)
        let token = token()
        #expect(throws: Never.self) { try SignedLink.verify(token, incident: 42, now: now, key: restored) }
        #expect(Data(base64Encoded: key.base64)?.count == 32)
        #expect(throws: LinkKeyError.tooShort(bytes: 3)) { try LinkKey(base64: "YWJj") }
        #expect(throws: LinkKeyError.notBase64) { try LinkKey(base64: "not base64!") }
    }
}
