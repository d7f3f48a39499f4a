internal import CLibGit2

/// Marks: references outside `refs/heads` that remember a commit for the program's own bookkeeping, such as the
/// last audit head that was verified. See ``Mark``.
extension Repository {
    /// The mark at the reference `name` (a full name, `refs/...`), or nil when the reference does not exist.
    ///
    /// - Throws: ``WikiError/invalidReferenceName(_:)``; ``WikiError/revisionNotFound(_:)`` when the reference
    ///   leads to something other than a commit.
    public func mark(_ name: String) throws -> Mark? {
        try Self.validateReferenceName(name)
        return try withHandle { repo in
            var oid = git_oid()
            let code = git_reference_name_to_id(&oid, repo, name)
            if code == GitCode.notFound {
                return nil
            }
            try check(code, "git_reference_name_to_id")
            var object: OpaquePointer?
            try check(git_object_lookup(&object, repo, &oid, GIT_OBJECT_ANY), "git_object_lookup")
            defer { git_object_free(object) }
            return try Self.mark(of: object!, name: name)
        }
    }

    /// Marks `commit` at the reference `name` with a new tag object by `tagger` saying `message`, if the reference
    /// still points where `expected` found it (or does not exist, when `expected` is nil): compare-and-swap, so two
    /// processes marking at once cannot undo each other unseen.
    ///
    /// - Returns: false, changing nothing, when another process moved the reference first (read it again).
    /// - Throws: ``WikiError/invalidReferenceName(_:)``, ``WikiError/invalidCommitMessage(reason:)`` for a blank
    ///   message; ``GitError`` otherwise (code -14, `GIT_ELOCKED`, while another process holds the reference's lock
    ///   file).
    public func setMark(_ name: String, on commit: ObjectID, tagger: Signature, message: String, replacing expected: Mark?) throws -> Bool {
        try Self.validateReferenceName(name)
        guard !message.allSatisfy(\.isWhitespace) else { throw WikiError.invalidCommitMessage(reason: "a mark needs a message") }
        return try withHandle { repo in
            let tag = try Self.createTag(named: String(name.dropFirst("refs/".count)), on: commit, tagger: tagger, message: message, in: repo)
            var tagOID = tag.oid
            var created: OpaquePointer?
            let code: Int32
            let function: String
            if let expected {
                var currentOID = expected.target.oid
                code = git_reference_create_matching(&created, repo, name, &tagOID, 1, &currentOID, "runbook: \(message)")
                function = "git_reference_create_matching"
            } else {
                code = git_reference_create(&created, repo, name, &tagOID, 0, "runbook: \(message)")
                function = "git_reference_create"
            }
            git_reference_free(created)
            if code == GitCode.modified || code == GitCode.exists || code == GitCode.notFound {
                return false
            }
            try check(code, function)
            return true
        }
    }

    /// Writes an annotated tag object for `commit` without creating any reference.
    private static func createTag(
        named tagName: String, on commit: ObjectID, tagger: Signature, message: String, in repo: OpaquePointer
    ) throws -> ObjectID {
        let target = try lookupCommit(commit, in: repo)
        defer { git_commit_free(target) }
        var oid = git_oid()
        try tagger.withGitSignature { signature in
            // git ends a tag's message with a newline; fsck --strict checks it.
            let text = message.hasSuffix("\n") ? message : message + "\n"
            try check(git_tag_annotation_create(&oid, repo, tagName, target, signature, text), "git_tag_annotation_create")
        }
        return ObjectID(oid)
    }

    /// The mark a reference's target describes: a tag object with its tagger and message, or a bare commit.
    private static func mark(of object: OpaquePointer, name: String) throws -> Mark {
        let target = ObjectID(git_object_id(object))
        var peeled: OpaquePointer?
        let code = git_object_peel(&peeled, object, GIT_OBJECT_COMMIT)
        defer { git_object_free(peeled) }
        if code == GitCode.peel || code == GitCode.invalidSpec || code == GitCode.notFound {
            throw WikiError.revisionNotFound(name)
        }
        try check(code, "git_object_peel")
        let commit = ObjectID(git_object_id(peeled))
        guard git_object_type(object) == GIT_OBJECT_TAG else {
            return Mark(target: target, commit: commit, tagger: nil, message: "")
        }
        // A git_object of type tag is a git_tag.
        return Mark(
            target: target, commit: commit, tagger: git_tag_tagger(object).map(Signature.init),
            message: git_tag_message(object).map { text in
                let message = String(cString: text)
                return message.hasSuffix("\n") ? String(message.dropLast()) : message
            } ?? "")
    }

    /// Throws unless `name` is a valid full reference name under `refs/`.
    private static func validateReferenceName(_ name: String) throws {
        var valid: Int32 = 0
        try check(git_reference_name_is_valid(&valid, name), "git_reference_name_is_valid")
        guard valid == 1, name.hasPrefix("refs/") else { throw WikiError.invalidReferenceName(name) }
    }
}
