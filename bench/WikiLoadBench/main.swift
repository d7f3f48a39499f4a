// Times what the server does with a wiki: a cold load of every runbook at HEAD, then reloads
// after commits that change one runbook each. Prints figures; bench/wiki-load.sh compares them
// with cmark's time on the same Markdown.
//
// Usage: wiki-load-bench WIKI_PATH [RELOADS]
import Foundation
import Runbooks
import Wiki

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: wiki-load-bench WIKI_PATH [RELOADS]\n".utf8))
    exit(2)
}
let reloads = arguments.count > 2 ? Int(arguments[2]) ?? 20 : 20
let repository = try Repository.open(arguments[1])
let branch = try repository.currentBranch() ?? "main"

var library: RunbookLibrary!
let cold = try seconds { library = try RunbookLibrary.load(from: repository, at: repository.resolve(branch)) }
let steps = library.runbooks.reduce(0) { $0 + $1.steps.count }
print("cold_load_seconds \(String(format: "%.3f", cold)) runbooks \(library.runbooks.count) pages \(library.pages.count) steps \(steps)")

// Each reload follows a commit that appends a line to one runbook, as an edit in the wiki would.
var reloadTimes: [Double] = []
for round in 0..<reloads {
    let page = library.runbooks[(round * 7919) % library.runbooks.count]
    let text = try repository.readFile(page.path, at: library.commit) + Data("\nEdited in round \(round).\n".utf8)
    let author = Signature(name: "bench", email: "bench@localhost")
    let head = try repository.commit(
        changes: [.write(path: page.path, contents: text)], to: branch, expectedParent: library.commit,
        author: author, message: "Edit \(page.id)"
    )
    let previous = library!
    reloadTimes.append(try seconds { library = try RunbookLibrary.load(from: repository, at: head, reusing: previous) })
    guard library.reparsedCount == 1 else {
        FileHandle.standardError.write(Data("reload parsed \(library.reparsedCount) files, expected 1\n".utf8))
        exit(1)
    }
}
let sorted = reloadTimes.sorted()
guard !sorted.isEmpty else { exit(0) }
print("reload_ms_median \(String(format: "%.2f", sorted[sorted.count / 2] * 1000)) reload_ms_max \(String(format: "%.2f", sorted.last! * 1000)) reloads \(reloads)")
