import Foundation
import ITIL
import StoreTestSupport
import Testing
import Wiki

/// The attacks of the probe that filed issue 15, each by someone who can write to the repository but holds neither
/// the server's signing key nor its data directory: every one must be reported.
@Suite struct AuditEvidenceTests {
    /// A signed history of three incidents, verified once (so the mark and the data directory's anchors exist).
    private func verifiedHistory() async throws -> (audit: TemporaryAudit, head: ObjectID) {
        let audit = try TemporaryAudit(signed: true)
        try await audit.writeHistory(incidents: 3)
        let report = try audit.verifier().verify(full: true)
        #expect(report.failure == nil, "\(String(describing: report.failure))")
        #expect(report.signaturesChecked && report.signed == report.commitsChecked && report.unsignedBeforeSigning == 0)
        #expect(report.anchors.map(\.name) == ["data directory (written)"], "before the first verification")
        return (audit, try #require(report.head))
    }

    @Test func aFilterBranchRewriteWithTheMarkDeletedIsCaughtByTheDataDirectoryAnchors() async throws {
        let (audit, head) = try await verifiedHistory()
        // The probe: the approver changed in every commit, the mark deleted as the old error message advised.
        let rewrite = try audit.git(["filter-branch", "-f", "-d", audit.path + "-rewrite", "--msg-filter", "sed s/alice/mallory/", "--", "audit"])
        #expect(rewrite.status == 0, "\(rewrite.output)")
        try audit.git(["update-ref", "-d", AuditVerifier.markReference(for: "audit")])
        #expect(try audit.repository.branchHead("audit") != head)
        let report = try audit.verifier().verify(full: true)
        let failure = try #require(report.failure)
        guard case .historyRewritten(_, let anchors, let verified, _, _) = failure.problem else {
            Issue.record("expected a rewrite, got \(failure.problem)")
            return
        }
        #expect(anchors == ["data directory (written)", "data directory (verified)"])
        #expect(verified == head)
        #expect(!failure.description.contains("update-ref -d"), "the message no longer advises deleting the mark")
    }

    @Test func aMarkMovedToAForgedHeadIsCaughtByTheDataDirectoryAnchors() async throws {
        let (audit, head) = try await verifiedHistory()
        // A forged history: the branch and the mark both moved to a commit of it.
        let forged = try audit.git(["commit-tree", "\(head.hex)^{tree}", "-m", "INC0000001: forged"]).output
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try audit.git(["update-ref", "refs/heads/audit", forged])
        try audit.git(["update-ref", AuditVerifier.markReference(for: "audit"), forged])
        #expect(try audit.repository.branchHead("audit")?.hex == forged, "\(forged)")
        let failure = try #require(try audit.verifier().verify().failure)
        guard case .historyRewritten(_, let anchors, _, _, _) = failure.problem else {
            Issue.record("expected a rewrite, got \(failure.problem)")
            return
        }
        #expect(anchors == ["data directory (written)", "data directory (verified)"])
    }

    @Test func anActorTrailerAndAuthorChangedToAnotherPersonAreCaught() async throws {
        let (audit, _) = try await verifiedHistory()
        // Signed by the writer's own key, so only the actor checks can see it.
        let honest = try audit.entry(.noteAdded("restarted the service"), on: IncidentNumber(1)!)
        let trailers = honest.trailers.map { $0.key == "Actor" ? Trailer("Actor", "bob") : $0 }
        let forged = AuditEntry(changes: honest.changes, message: honest.message, trailers: trailers,
                                author: Signature(name: "bob", email: "bob@runbook", time: Date()))
        let bad = try audit.append(forged)
        let failure = try #require(try audit.verifier().verify().failure)
        #expect(failure.commit == bad)
        #expect(failure.problem == .actorDisagrees(what: "the record's newest timeline entry", says: "alice", actor: "bob"))

        // The trailer left as it was, the author changed.
        let other = try TemporaryAudit(signed: true)
        try await other.writeHistory(incidents: 1)
        let entry = try other.entry(.noteAdded("x"), on: IncidentNumber(1)!)
        let authored = AuditEntry(changes: entry.changes, message: entry.message, trailers: entry.trailers,
                                  author: Signature(name: "bob", email: "bob@runbook", time: Date()))
        let commit = try other.append(authored)
        let authorFailure = try #require(try other.verifier().verify().failure)
        #expect(authorFailure.commit == commit)
        #expect(authorFailure.problem == .actorDisagrees(what: "the commit's author", says: "bob <bob@runbook>", actor: "alice"))
    }

    @Test func gitReplaceIsRefusedWhileItLastsBecauseGitWouldShowTheForgery() async throws {
        let (audit, head) = try await verifiedHistory()
        let old = try audit.repository.resolve("audit~2")
        let forged = try audit.git(["commit-tree", "\(old.hex)^{tree}", "-p", "\(old.hex)^", "-m", "INC0000002: opened by mallory"]).output
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try audit.git(["replace", old.hex, forged])
        #expect(try audit.git(["log", "--format=%s", "-1", old.hex]).output.contains("mallory"), "git shows the forgery")
        let failure = try #require(try audit.verifier().verify(full: true).failure)
        #expect(failure.problem == .replacedObjects(["refs/replace/\(old.hex)"]))
        try audit.git(["replace", "-d", old.hex])
        #expect(try audit.verifier().verify(full: true).failure == nil)
        #expect(try audit.repository.branchHead("audit") == head)
    }

    @Test func aCommitSignedWithAnotherKeyIsNamed() async throws {
        let (audit, _) = try await verifiedHistory()
        let intruder = SSHSigningKey(comment: "mallory")
        let log = try AuditLog(repository: Repository.open(audit.path), signer: intruder)
        let bad = try log.append { _ in ([try audit.entry(.noteAdded("nothing to see"), on: IncidentNumber(2)!)], ()) }.commits[0]
        let failure = try #require(try audit.verifier().verify().failure)
        #expect(failure.commit == bad)
        #expect(failure.problem == .untrustedSigner(fingerprint: intruder.publicKey.fingerprint))
    }

    @Test func anUnsignedCommitAfterSignedOnesIsNamed() async throws {
        let (audit, _) = try await verifiedHistory()
        let log = try AuditLog(repository: Repository.open(audit.path))
        let bad = try log.append { _ in ([try audit.entry(.noteAdded("unsigned"), on: IncidentNumber(2)!)], ()) }.commits[0]
        let failure = try #require(try audit.verifier().verify().failure)
        #expect(failure.commit == bad)
        #expect(failure.problem == .unsigned)
    }

    @Test func aSignedCommitWhoseContentWasChangedFailsItsSignature() async throws {
        let (audit, head) = try await verifiedHistory()
        // The head's bytes with its subject changed, its signature header kept.
        let raw = try audit.git(["cat-file", "commit", head.hex]).output
        let changed = raw.replacingOccurrences(of: "INC0000002: ", with: "INC0000002: (edited) ")
        let scratch = audit.path + "-forged"
        try changed.write(toFile: scratch, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let forged = try audit.git(["hash-object", "-t", "commit", "-w", scratch]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        try audit.git(["update-ref", "refs/heads/audit", forged])
        // Remove the anchors' claim first, as someone with the data directory could: the signature alone catches it.
        let verifier = AuditVerifier(repository: audit.repository, signers: try audit.signers())
        try audit.git(["update-ref", "-d", AuditVerifier.markReference(for: "audit")])
        let failure = try #require(try verifier.verify(full: true).failure)
        #expect(failure.commit?.hex == forged)
        guard case .badSignature(let reason) = failure.problem else {
            Issue.record("expected a bad signature, got \(failure.problem)")
            return
        }
        #expect(reason.contains("does not match the signed content"))
    }

    @Test func historyFromBeforeSigningBeganStillVerifies() async throws {
        let audit = try TemporaryAudit(signed: true)
        let unsigned = try IncidentStore(auditLog: AuditLog(repository: Repository.open(audit.path)))
        _ = try await unsigned.open(.alert("old"), actor: "alertmanager")
        let signed = try IncidentStore(auditLog: audit.auditLog)
        _ = try await signed.open(.alert("new"), actor: "alertmanager")
        let report = try audit.verifier().verify(full: true)
        #expect(report.failure == nil, "\(String(describing: report.failure))")
        #expect(report.unsignedBeforeSigning == 1 && report.signed == 1)
    }

    @Test func aRotatedKeyStillVerifiesWhatItSignedBeforeItsValidBeforeAndNothingAfter() async throws {
        let audit = try TemporaryAudit()
        let old = SSHSigningKey(comment: "old")
        let new = SSHSigningKey(comment: "new")
        let rotation = Date(timeIntervalSince1970: 1_796_083_200)  // 2026-12-01T00:00:00Z
        let signers = try AllowedSigners(text: """
            runbook-audit namespaces="git",valid-before="20261201Z" \(old.publicKey.line)
            runbook-audit namespaces="git",valid-after="20261201Z" \(new.publicKey.line)
            """)
        var number = 0
        func append(_ key: SSHSigningKey, at time: Date) throws -> ObjectID {
            number += 1
            let log = try AuditLog(repository: Repository.open(audit.path), signer: key)
            let entry = try audit.openEntry(number: number, at: time)
            return try log.append { _ in ([entry], ()) }.commits[0]
        }
        _ = try append(old, at: rotation - 3600)
        _ = try append(new, at: rotation + 3600)
        let verifier = AuditVerifier(repository: audit.repository, signers: signers)
        let report = try verifier.verify(full: true)
        #expect(report.failure == nil, "\(String(describing: report.failure))")
        #expect(report.signed == 2)

        // The old key, used again after its valid-before (a stolen predecessor), is not trusted.
        let late = try append(old, at: rotation + 7200)
        let failure = try #require(try AuditVerifier(repository: audit.repository, signers: signers).verify().failure)
        #expect(failure.commit == late)
        #expect(failure.problem == .untrustedSigner(fingerprint: old.publicKey.fingerprint))
    }

    @Test func aWriterRefusesToBuildOnAHistoryThatNoLongerHoldsItsAnchor() async throws {
        let (audit, head) = try await verifiedHistory()
        let rewrite = try audit.git(["filter-branch", "-f", "-d", audit.path + "-rewrite", "--msg-filter", "sed s/alice/mallory/", "--", "audit"])
        #expect(rewrite.status == 0, "\(rewrite.output)")
        let forged = try #require(try audit.repository.branchHead("audit"))
        // A restarted writer, with the same data directory: it reads the forged history, and must not sign on top of it.
        let log = try AuditLog(repository: Repository.open(audit.path), signer: audit.signingKey, anchor: audit.anchor)
        let store = try IncidentStore(auditLog: log)
        await #expect(throws: WikiError.anchorNotInHistory(branch: "audit", missing: head, anchor: audit.anchor!.path(.written))) {
            _ = try await store.open(IncidentRequest(shortDescription: "After the rewrite"), actor: "alertmanager")
        }
        #expect(try audit.repository.branchHead("audit") == forged, "nothing was written")
        #expect(try audit.anchor?.head(.written)?.commit == head, "the anchor still names the true head")
        // Deleting the branch is refused the same way: a writer would otherwise start a new history.
        try audit.git(["update-ref", "-d", "refs/heads/audit"])
        await #expect(throws: WikiError.anchorNotInHistory(branch: "audit", missing: head, anchor: audit.anchor!.path(.written))) {
            _ = try await IncidentStore(auditLog: log).open(IncidentRequest(shortDescription: "On a new branch"), actor: "alertmanager")
        }
    }
}
