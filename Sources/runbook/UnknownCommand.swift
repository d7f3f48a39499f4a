import ArgumentParser
import Foundation
import Runbooks

/// A word on the command line where a subcommand belongs that names none (`runbook incident list`), with the nearest
/// name it may have meant.
///
/// ArgumentParser reports such a word as an unexpected argument of the command above it ("Error: 2 unexpected
/// arguments: 'incident', 'list'"), which does not say that the command was misspelt; this says so.
struct UnknownCommand {
    /// The command the word was given to (``RunbookCommand`` or a group such as ``IncidentsCommand``).
    let parent: any ParsableCommand.Type
    /// `runbook incidents`: the names typed to reach ``parent``.
    let parentPath: [String]
    let word: String
    /// The subcommand names the word was checked against, aliases included.
    let names: [String]

    /// The first word of `arguments` that stands where `root` or one of its groups expects a subcommand and names
    /// none of them; nil when there is none, or when an option comes first, whose value could be any word.
    init?(in arguments: [String], root: any ParsableCommand.Type) {
        var parent = root
        var path = [root._commandName]
        for word in arguments {
            let subcommands = parent.configuration.subcommands
            // A leaf takes arguments of its own; `help` is ArgumentParser's, at any level.
            guard !subcommands.isEmpty, !word.hasPrefix("-"), word != "help" else { return nil }
            guard let next = subcommands.first(where: { $0._commandName == word || $0.configuration.aliases.contains(word) }) else {
                self.parent = parent
                parentPath = path
                self.word = word
                names = subcommands.flatMap { [$0._commandName] + $0.configuration.aliases }
                return
            }
            parent = next
            path.append(next._commandName)
        }
        return nil
    }

    /// `unknown command 'incident'. Did you mean 'incidents'?`, else the list of commands.
    var message: String {
        let unknown = "unknown command '\(Console.printable(word))'."
        if let nearest = Suggestion.closest(to: word, in: names) {
            return "\(unknown) Did you mean '\(nearest)'?"
        }
        return "\(unknown) The commands are: \(names.joined(separator: ", "))."
    }

    /// Prints the message and the usage of the command it was given to, the way ArgumentParser prints a usage
    /// error, and exits with its status (64).
    func exit(root: any ParsableCommand.Type) -> Never {
        let path = parentPath.joined(separator: " ")
        Console.error("Error: \(message)\nUsage: \(root.usageString(for: parent))\n  See '\(path) --help' for more information.")
        root.exit(withError: ExitCode.validationFailure)
    }
}
