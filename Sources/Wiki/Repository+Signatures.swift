internal import CLibGit2
import Foundation

/// What git would show instead of what is stored, and the signatures commits carry.
extension Repository {
    /// The signature in commit `id`'s `gpgsig` header and the content it signs (the commit without that
    /// header); nil when the commit is unsigned.
    public func commitSignature(_ id: ObjectID) throws -> (signature: String, signedContent: Data)? {
        try withHandle { repo in
            var signature = git_buf()
            var signed = git_buf()
            defer {
                git_buf_dispose(&signature)
                git_buf_dispose(&signed)
            }
            var oid = id.oid
            let code = git_commit_extract_signature(&signature, &signed, repo, &oid, nil)
            if code == GitCode.notFound { return nil }
            try check(code, "git_commit_extract_signature")
            return (String(cString: signature.ptr), Data(bytes: signed.ptr, count: signed.size))
        }
    }

    /// What makes `git log` and `git show` show other objects than the stored ones: every reference under
    /// `refs/replace/` (made by `git replace`) and an `info/grafts` file. libgit2 reads the stored objects, so a
    /// check that ignored these would pass while people are shown forged content.
    public func replacements() throws -> [String] {
        var found = try withHandle { repo in
            var iterator: OpaquePointer?
            try check(git_reference_iterator_glob_new(&iterator, repo, "refs/replace/*"), "git_reference_iterator_glob_new")
            defer { git_reference_iterator_free(iterator) }
            var names: [String] = []
            var name: UnsafePointer<CChar>?
            while git_reference_next_name(&name, iterator) == 0 {
                if let name { names.append(String(cString: name)) }
            }
            return names
        }
        let grafts = (gitDirectory as NSString).appendingPathComponent("info/grafts")
        if FileManager.default.fileExists(atPath: grafts) { found.append("info/grafts") }
        return found
    }
}
