import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ITIL
import RunbookServer
import Testing
import Wiki

/// The dashboard as a browser meets it, through the router: logging in, the session cookie and its CSRF token, roles,
/// hostile alert text, and the pages' content. The same flows in a real Chromium are `DashboardBrowserTests`.
@Suite("Dashboard", .timeLimit(.minutes(1)))
struct DashboardTests {
    static let runbook = """
        ---
        title: Disk almost full
        match:
          - alertname="DiskAlmostFull"
          - instance=~"web-.*"
        params:
          HOST: { from: labels.instance, required: true, pattern: '^[a-z0-9.-]+$', description: "the host" }
        ---

        # Disk almost full

        Text with *emphasis*.

        ## Look

        ```sh {id=look timeout=10s}
        df -h
        ```

        ```text
        an example, not a step
        ```
        """

    /// Logs in with `role`'s token; the session cookie (`name=value`) and the page's CSRF token.
    static func login(_ role: Role, _ client: some TestClientProtocol, _ sandbox: ServerSandbox) async throws -> (cookie: String, csrf: String) {
        let response = try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                body: ByteBuffer(string: "token=\(sandbox.secrets[role]!)&next=%2Fincidents"))
        #expect(response.status == .seeOther)
        let setCookie = try #require(response.headers[.setCookie])
        let cookie = String(setCookie.split(separator: ";")[0])
        let page = try await client.execute(uri: "/incidents", method: .get, headers: [.cookie: cookie])
        let csrf = try #require(page.text.firstMatch(of: /name="csrf-token" content="([0-9a-f]+)"/)?.1)
        return (cookie, String(csrf))
    }

    static func form(_ cookie: String, _ fields: String) -> (HTTPFields, ByteBuffer) {
        ([.cookie: cookie, .contentType: "application/x-www-form-urlencoded"], ByteBuffer(string: fields))
    }

    static func alert(_ labels: String, annotations: String = #"{"summary": "Disk almost full"}"#) -> ByteBuffer {
        ByteBuffer(string: #"{"version": "4", "status": "firing", "receiver": "r", "groupKey": "g", "alerts": [{"status": "firing", "labels": \#(labels), "annotations": \#(annotations), "startsAt": "2026-12-01T00:00:00Z"}]}"#)
    }

    /// INC0000001, from an Alertmanager alert.
    static func openDiskAlert(_ client: some TestClientProtocol, _ sandbox: ServerSandbox) async throws {
        let opened = try await client.execute(uri: "/api/v1/alerts/alertmanager", method: .post, headers: sandbox.auth(.responder),
                                              body: alert(#"{"alertname": "DiskAlmostFull"}"#))
        #expect(opened.status == .ok)
    }

    @Test("a page without a session goes to the login page, which goes back only to a path of this server")
    func loginRedirects() async throws {
        let sandbox = try ServerSandbox()
        try await sandbox.test { client in
            let page = try await client.execute(uri: "/incidents/INC0000001?x=1", method: .get)
            #expect(page.status == .seeOther)
            #expect(page.headers[.location] == "/login?next=/incidents/INC0000001?x%3D1")
            let bad = try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                               body: ByteBuffer(string: "token=rbk_wrong&next=%2Fincidents"))
            #expect(bad.status == .unauthorized)
            #expect(bad.text.contains("That token is not valid"))
            #expect(bad.headers[.setCookie] == nil)
            for next in ["//evil.example/x", "https://evil.example", "/\\evil.example"] {
                let response = try await client.execute(
                    uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: "token=\(sandbox.secrets[.viewer]!)&next=\(next.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"))
                #expect(response.headers[.location] == "/incidents", "\(next)")
            }
            let good = try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                body: ByteBuffer(string: "token=\(sandbox.secrets[.viewer]!)&next=%2Faudit"))
            #expect(good.headers[.location] == "/audit")
            let cookie = try #require(good.headers[.setCookie])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"))
            #expect(!cookie.contains("Secure"), "plain HTTP: a Secure cookie would never come back")
            let login = try await client.execute(uri: "/login?next=/audit", method: .get)
            #expect(!login.text.contains("rbk_"), "the token is never put in a page or a URL")
        }
        // The sessions file holds hashes, not the cookie's value, and only its owner reads it.
        let sessions = try String(contentsOfFile: sandbox.path + "/sessions", encoding: .utf8)
        #expect(sessions.split(separator: "\n").count == 5, "a header and four logins")
        let attributes = try FileManager.default.attributesOfItem(atPath: sandbox.path + "/sessions")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test("hostile labels and annotations are text on every page, under a CSP without inline script")
    func hostileTextIsEscaped() async throws {
        var settings = ServerSettings()
        settings.bodyLimit = 4 << 20
        let sandbox = try ServerSandbox(pages: ["disk": Self.runbook], settings: settings)
        try await sandbox.test { client in
            let hostile = #"{"alertname": "<script>window.__xss=1</script>", "instance": "\"><img src=x onerror=alert(1)>", "link": "javascript:alert(1)"}"#
            let opened = try await client.execute(uri: "/api/v1/alerts/alertmanager", method: .post, headers: sandbox.auth(.responder),
                                                  body: Self.alert(hostile, annotations: #"{"summary": "<b>bold</b> & \"quoted\"", "description": "<iframe src=javascript:alert(1)>\#(String(repeating: "A", count: 1 << 20))"}"#))
            #expect(opened.status == .ok, "\(opened.text)")
            let (cookie, _) = try await Self.login(.responder, client, sandbox)
            for uri in ["/incidents", "/incidents/INC0000001", "/audit"] {
                let page = try await client.execute(uri: uri, method: .get, headers: [.cookie: cookie])
                #expect(page.status == .ok, "\(uri)")
                let csp = try #require(page.headers[.contentSecurityPolicy])
                #expect(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"))
                #expect(!page.text.contains("<script>window"), "\(uri)")
                #expect(!page.text.contains("<img src=x"), "\(uri)")
                #expect(!page.text.contains("<iframe"), "\(uri)")
                #expect(!page.text.contains("<b>bold"), "\(uri)")
                #expect(!page.text.contains("href=\"javascript:"), "\(uri)")
                #expect(page.text.count < 200_000, "\(uri): a 1 MB annotation is clipped, not sent whole (\(page.text.count) bytes)")
            }
            let incident = try await client.execute(uri: "/incidents/INC0000001", method: .get, headers: [.cookie: cookie])
            #expect(incident.text.contains("&lt;script&gt;window.__xss=1&lt;/script&gt;"))
            #expect(incident.text.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
            #expect(incident.text.contains("&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;"))
            // Annotations are kept on the record (a long one cut to a label's length) and shown, as text.
            #expect(incident.text.contains(#"<h2 id="annotations">Annotations</h2>"#))
            #expect(incident.text.contains("<th scope=\"row\">description</th><td>&lt;iframe src=javascript:alert(1)&gt;AAAA"))
            let record = try await client.execute(uri: "/api/v1/incidents/INC0000001", method: .get, headers: sandbox.auth(.viewer))
            let annotations = try #require(record.json["annotations"] as? [String: String])
            #expect(annotations["summary"] == "<b>bold</b> & \"quoted\"")
            #expect((annotations["description"]?.count ?? 0) <= 4096, "cut to a label's length, not refused")
        }
    }

    @Test("a form acts only with the session's CSRF token; the API on the cookie only with the X-CSRF-Token header")
    func csrf() async throws {
        let sandbox = try ServerSandbox()
        try await sandbox.test { client in
            try await Self.openDiskAlert(client, sandbox)
            let (cookie, csrf) = try await Self.login(.responder, client, sandbox)
            for fields in ["", "csrf=", "csrf=0123"] {
                let (headers, body) = Self.form(cookie, fields)
                let forged = try await client.execute(uri: "/actions/incidents/INC0000001/acknowledge", method: .post, headers: headers, body: body)
                #expect(forged.status == .forbidden, "\(fields)")
                #expect(forged.text.contains("CSRF token does not match"))
            }
            let unacknowledged = try await client.execute(uri: "/api/v1/incidents/INC0000001", method: .get, headers: sandbox.auth(.viewer))
            #expect(unacknowledged.json["acknowledged_by"] == nil)

            let (headers, body) = Self.form(cookie, "csrf=\(csrf)")
            let acknowledged = try await client.execute(uri: "/actions/incidents/INC0000001/acknowledge", method: .post, headers: headers, body: body)
            #expect(acknowledged.status == .seeOther)
            #expect(acknowledged.headers[.location] == "/incidents/INC0000001")
            let record = try await client.execute(uri: "/api/v1/incidents/INC0000001", method: .get, headers: sandbox.auth(.viewer))
            #expect(record.json["acknowledged_by"] as? String == "responder")

            let bare = try await client.execute(uri: "/api/v1/incidents/INC0000001/unacknowledge", method: .post, headers: [.cookie: cookie])
            #expect(bare.status == .unauthorized)
            #expect(bare.errorMessage?.contains("X-CSRF-Token") == true)
            let scripted = try await client.execute(uri: "/api/v1/incidents/INC0000001/unacknowledge", method: .post,
                                                    headers: [.cookie: cookie, HTTPField.Name("X-CSRF-Token")!: csrf])
            #expect(scripted.status == .ok)
            // Reading the event stream and the API on the cookie needs nothing more: EventSource cannot send headers.
            let read = try await client.execute(uri: "/api/v1/incidents", method: .get, headers: [.cookie: cookie])
            #expect(read.status == .ok)
        }
    }

    @Test("a viewer gets no buttons, and the server refuses the actions anyway")
    func viewerCannotAct() async throws {
        let sandbox = try ServerSandbox()
        try await sandbox.test { client in
            try await Self.openDiskAlert(client, sandbox)
            let (cookie, csrf) = try await Self.login(.viewer, client, sandbox)
            let page = try await client.execute(uri: "/incidents/INC0000001", method: .get, headers: [.cookie: cookie])
            #expect(page.status == .ok)
            #expect(!page.text.contains("/actions/incidents/"), "no incident forms for a viewer")
            #expect(page.text.contains("can only read"))
            for verb in ["acknowledge", "note", "transition"] {
                let (headers, body) = Self.form(cookie, "csrf=\(csrf)&text=hi&state=in-progress")
                let refused = try await client.execute(uri: "/actions/incidents/INC0000001/\(verb)", method: .post, headers: headers, body: body)
                #expect(refused.status == .forbidden, "\(verb)")
                #expect(refused.text.contains("has the role viewer"))
            }
            let (headers, body) = Self.form(cookie, "csrf=\(csrf)")
            let approve = try await client.execute(uri: "/actions/runs/INC0000001-1/approve", method: .post, headers: headers, body: body)
            #expect(approve.status == .forbidden)
            let record = try await client.execute(uri: "/api/v1/incidents/INC0000001", method: .get, headers: sandbox.auth(.viewer))
            #expect(record.json["acknowledged_by"] == nil)
            #expect(record.json["state"] as? String == "new")
        }
    }

    @Test("logging out, or revoking the token, ends the session")
    func sessionsEnd() async throws {
        let sandbox = try ServerSandbox()
        try await sandbox.test { client in
            let (cookie, csrf) = try await Self.login(.responder, client, sandbox)
            let (headers, body) = Self.form(cookie, "csrf=\(csrf)")
            let out = try await client.execute(uri: "/actions/logout", method: .post, headers: headers, body: body)
            #expect(out.status == .seeOther)
            #expect(out.headers[.setCookie]?.contains("Max-Age=0") == true)
            let after = try await client.execute(uri: "/incidents", method: .get, headers: [.cookie: cookie])
            #expect(after.status == .seeOther, "the old cookie no longer opens a page")

            let (second, _) = try await Self.login(.approver, client, sandbox)
            #expect(try await client.execute(uri: "/incidents", method: .get, headers: [.cookie: second]).status == .ok)
            #expect(try sandbox.tokens.remove(name: "approver"))
            #expect(try await client.execute(uri: "/incidents", method: .get, headers: [.cookie: second]).status == .seeOther)
        }
    }

    @Test("the runbook page: no front matter as prose, steps marked, matchers and parameters in tables, the commit")
    func runbookPage() async throws {
        let sandbox = try ServerSandbox(pages: ["disk": Self.runbook])
        try await sandbox.test { client in
            let (cookie, _) = try await Self.login(.viewer, client, sandbox)
            let page = try await client.execute(uri: "/runbooks/disk", method: .get, headers: [.cookie: cookie])
            #expect(page.status == .ok)
            let text = page.text
            #expect(!text.contains("params:"), "front matter is not rendered")
            #expect(!text.contains("<em>-.</em>") && text.contains("<code>web-.*</code>"), "a pattern is shown as written")
            #expect(text.contains("<em>emphasis</em>"), "the page's own Markdown is rendered")
            #expect(text.contains(#"<figure class="step" id="step-look">"#))
            #expect(text.components(separatedBy: #"<figure class="step""#).count == 2, "the example block is not a step")
            #expect(text.contains("timeout 10s"))
            #expect(text.contains("<td><code>HOST</code></td><td>labels.instance</td><td>yes</td>"))
            let head = try #require(try sandbox.repository.branchHead("main"))
            #expect(text.contains(String(head.hex.prefix(12))))
            let list = try await client.execute(uri: "/runbooks", method: .get, headers: [.cookie: cookie])
            #expect(list.text.contains(#"<a href="/runbooks/disk">Disk almost full</a>"#))
            #expect(list.text.contains("<code>alertname=&quot;DiskAlmostFull&quot;</code>"))
            let missing = try await client.execute(uri: "/runbooks/nope", method: .get, headers: [.cookie: cookie])
            #expect(missing.status == .notFound)
            #expect(missing.text.contains("no runbook &#39;nope&#39;"))
        }
    }

    @Test("incidents list filters, the live fragment, the timeline linked to commits, and a commit's diff")
    func listTimelineAndDiff() async throws {
        let sandbox = try ServerSandbox()
        try await sandbox.test { client in
            for name in ["DiskAlmostFull", "CPUHigh"] {
                _ = try await client.execute(uri: "/api/v1/alerts/alertmanager", method: .post, headers: sandbox.auth(.responder),
                                             body: Self.alert(#"{"alertname": "\#(name)", "instance": "web-1"}"#, annotations: #"{"summary": "\#(name) on web-1"}"#))
            }
            let (cookie, _) = try await Self.login(.viewer, client, sandbox)
            let all = try await client.execute(uri: "/incidents", method: .get, headers: [.cookie: cookie])
            #expect(all.text.contains("INC0000001") && all.text.contains("INC0000002"))
            let filtered = try await client.execute(uri: "/incidents?q=cpu&state=open", method: .get, headers: [.cookie: cookie])
            #expect(filtered.text.contains("CPUHigh on web-1") && !filtered.text.contains("DiskAlmostFull on web-1"))
            let fragment = try await client.execute(uri: "/incidents?fragment=live", method: .get, headers: [.cookie: cookie])
            #expect(fragment.text.hasPrefix("<p class=\"count\">2 incidents"))
            #expect(!fragment.text.contains("<html"))
            let badFilter = try await client.execute(uri: "/incidents?priority=9", method: .get, headers: [.cookie: cookie])
            #expect(badFilter.status == .badRequest)
            #expect(badFilter.text.contains("priority must be 1 to 5"))

            let page = try await client.execute(uri: "/incidents/INC0000001", method: .get, headers: [.cookie: cookie])
            let opening = try #require(try sandbox.repository.history("audit", path: IncidentRecordFile.folder(for: IncidentNumber(parsing: "INC0000001")!)).last)
            #expect(page.text.contains(#"<a href="/audit/\#(opening.id.hex)"><code>\#(opening.id.short)</code></a>"#))
            #expect(page.text.contains("<td>opened</td>"))
            #expect(!page.text.contains("CPUHigh"), "only this incident's commits")

            let diff = try await client.execute(uri: "/audit/\(opening.id.hex)", method: .get, headers: [.cookie: cookie])
            #expect(diff.status == .ok)
            #expect(diff.text.contains("<code>\(IncidentRecordFile.path(for: IncidentNumber(parsing: "INC0000001")!))</code> <small class=\"muted\">added</small>"))
            #expect(diff.text.contains("<ins>+ "))
            let unknown = try await client.execute(uri: "/audit/\(String(repeating: "ab", count: 20))", method: .get, headers: [.cookie: cookie])
            #expect(unknown.status == .notFound)
            let favicon = try await client.execute(uri: "/incidents", method: .get, headers: [.cookie: cookie])
            #expect(favicon.text.contains(#"<link rel="icon" href="data:,">"#), "no request for /favicon.ico, which would be a 404")
            let audit = try await client.execute(uri: "/audit", method: .get, headers: [.cookie: cookie])
            #expect(audit.text.contains(opening.id.short))
        }
    }
}

