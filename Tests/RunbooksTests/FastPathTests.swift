import Testing
@testable import Runbooks

/// The parser reads ASCII text as bytes where it used to read Characters; these check that both
/// readings agree on inputs built from the characters that matter (and some that tempt a byte reading
/// to go wrong: combining marks, `\r\n`, non-ASCII blanks).
@Suite struct FastPathTests {
    static let pieces: [String] = [
        "sh", "bash", "id", "=", "step-1", "timeout", "30s", " ", "\t", ",", "{", "}", "\"", "'", "\\", "x", "é",
        "-", "#", ":", "[", "]", "&", "*", "a", "\n", "\r\n", "\u{0301}", "\u{00A0}", "\u{2028}", "\u{0600}", "🇺🇸",
    ]

    static func randomText(_ generator: inout FuzzTests.SeededGenerator, pieces: [String], maxPieces: Int) -> String {
        (0..<Int.random(in: 0...maxPieces, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
    }

    @Test func fenceInfoBytesAgreeWithCharacters() {
        var generator = FuzzTests.SeededGenerator(state: 11)
        let asciiPieces = Self.pieces.filter { $0.utf8.allSatisfy { $0 < 0x80 } && !$0.contains("\n") && !$0.contains("\r") }
        for _ in 0..<5000 {
            let info = Self.randomText(&generator, pieces: asciiPieces, maxPieces: 12)
            #expect(FenceInfo(scanning: Substring(info).utf8) == FenceInfo(scanning: Substring(info)), "\(info.debugDescription)")
        }
        for info in ["sh {id=a timeout=30s}", "bash {approve=\"y\\\"es\" x='a b'}", "sh {", "sh x", "sh {a=b{}", "{}", ""] {
            #expect(FenceInfo(scanning: Substring(info).utf8) == FenceInfo(scanning: Substring(info)))
        }
    }

    @Test func fenceInfoKeepsCharactersForOtherText() {
        // A combining mark makes "{\u{301}" one Character that is not "{".
        #expect(FenceInfo("sh {a=x{\u{301}}").problem == nil)
        #expect(FenceInfo("sh {a=x{}").problem == "unbalanced braces in fence info: unexpected '{'")
        #expect(FenceInfo("sh\u{00A0}{id=a}").language == "sh")
    }

    @Test func yamlPrecheckAgreesWithACharacterScan() {
        var generator = FuzzTests.SeededGenerator(state: 12)
        for _ in 0..<5000 {
            let yaml = Self.randomText(&generator, pieces: Self.pieces, maxPieces: 30)
            let expected = CharacterYAMLPrecheck.problem(in: yaml)
            let actual = YAMLPrecheck.problem(in: yaml)
            #expect(actual?.0 == expected?.0 && actual?.1 == expected?.1, "\(yaml.debugDescription)")
        }
        for depth in [63, 64, 65, 130, 131] {
            for yaml in [String(repeating: " ", count: depth * 2) + "a: b", "a: " + String(repeating: "[", count: depth),
                         String(repeating: "- ", count: depth) + "x", "x: é\n" + String(repeating: "{", count: depth)] {
                let expected = CharacterYAMLPrecheck.problem(in: yaml)
                let actual = YAMLPrecheck.problem(in: yaml)
                #expect(actual?.0 == expected?.0 && actual?.1 == expected?.1, "\(yaml.debugDescription)")
            }
        }
    }
}

extension FastPathTests {
    /// The UTF-8 check skips ASCII a word at a time; a bad byte must be found wherever it falls in a word.
    @Test func invalidUTF8IsFoundAtEveryOffset() {
        for length in [1, 7, 8, 9, 16, 23, 40] {
            for offset in 0..<length {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                bytes[offset] = 0xFF
                #expect(SourceText.firstInvalidUTF8Offset(bytes) == offset)
                bytes[offset] = 0xC3  // a truncated or ASCII-followed two-byte sequence
                #expect(SourceText.firstInvalidUTF8Offset(bytes) == offset)
            }
            let valid = Array(String(repeating: "ab\u{E9}c\u{1F600}", count: length).utf8)
            #expect(SourceText.firstInvalidUTF8Offset(valid) == nil)
            #expect(SourceText.firstInvalidUTF8Offset(valid + [0xED, 0xA0, 0x80]) == valid.count)  // a surrogate
        }
    }
}

extension FastPathTests {
    /// Durations test digits and unit letters by ASCII code; other digits and letters stay invalid.
    @Test func timeSpansTakeOnlyASCIIDigitsAndUnits() {
        #expect(TimeSpan(parsing: "1h30m")?.seconds == 5400)
        #expect(TimeSpan(parsing: "500ms")?.seconds == 0.5)
        for text in ["\u{663}s", "\u{FF11}s", "5\u{FF4D}", "5M", "5m\r\n", "1\u{301}s", "5@", "5[", "5`", "5{", "/5s", ":5s"] {
            #expect(TimeSpan(parsing: text) == nil, "\(text.debugDescription)")
        }
    }
}

/// The YAML precheck as first written, one Character at a time: the reference the byte scan must match.
private enum CharacterYAMLPrecheck {
    static func problem(in yaml: String) -> (Int, String)? {
        var flowDepth = 0
        for (index, line) in yaml.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let indent = line.prefix { $0 == " " || $0 == "-" }.count
            var quote: Character?
            var previous: Character = " "
            var anchorIndicator: Character?
            for character in line {
                if let indicator = anchorIndicator, !character.isWhitespace {
                    return (index + 1, "YAML anchors and aliases (\(indicator)name) are not supported in front matter; quote the "
                        + "value if you meant a literal '\(indicator)'")
                }
                anchorIndicator = nil
                if let open = quote {
                    if character == open { quote = nil }
                } else if character == "#" && previous.isWhitespace {
                    break
                } else if character == "\"" || character == "'" {
                    quote = previous.isWhitespace || "[{,:".contains(previous) ? character : nil
                } else if character == "[" || character == "{" {
                    flowDepth += 1
                } else if character == "]" || character == "}" {
                    flowDepth = max(0, flowDepth - 1)
                } else if (character == "&" || character == "*") && (previous.isWhitespace || "[{,".contains(previous)) {
                    anchorIndicator = character
                }
                if indent / 2 + flowDepth > YAMLPrecheck.maximumDepth {
                    return (index + 1, "front matter is nested more than \(YAMLPrecheck.maximumDepth) levels deep")
                }
                previous = character
            }
        }
        return nil
    }
}
