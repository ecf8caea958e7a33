import Foundation

/// Turning record text into Markdown that renders as the same text: no accidental
/// emphasis, links, HTML, headings or lists, and table cells that stay one cell.
/// GitHub-flavoured Markdown is the target; the raw file should stay readable too.
enum MarkdownText {
    /// Characters that start inline syntax (`$` is GitHub's math).
    private static let inlineSyntax: Set<Character> = ["\\", "`", "*", "[", "]", "<", ">", "&", "~", "$"]

    /// Characters that begin a heading, a bullet or a thematic break when they open a line.
    private static let blockStarters: Set<Character> = ["#", "-", "+"]

    /// Prose for a paragraph, list item, heading or table cell. Line breaks become `<br>`
    /// so the text stays one block.
    static func inline(_ raw: String) -> String {
        let characters = Array(
            ControlCharacters.stripped(raw)
                .replacingOccurrences(of: "\r\n", with: "\n")
                .replacingOccurrences(of: "\r", with: "\n")
                .replacingOccurrences(of: "\t", with: " ")
                .trimmingCharacters(in: .whitespacesAndNewlines))
        var escaped = ""
        for (index, character) in characters.enumerated() {
            switch character {
            case "\n":
                escaped += "<br>"
            case _ where inlineSyntax.contains(character):
                escaped += "\\" + String(character)
            case "_":
                // An underscore between letters or digits never opens emphasis; leaving
                // it bare keeps names like total_cents readable in the raw file.
                let between = index > 0 && index + 1 < characters.count
                    && characters[index - 1].isLetterOrDigit && characters[index + 1].isLetterOrDigit
                escaped += between ? "_" : "\\_"
            case _ where index == 0 && blockStarters.contains(character):
                escaped += "\\" + String(character)
            case _ where (character == "." || character == ")") && isOrderedListMarker(characters, at: index):
                escaped += "\\" + String(character)
            default:
                escaped.append(character)
            }
        }
        return escaped
    }

    /// `1. ` or `12)` at the very start would begin an ordered list; `16.3` would not.
    private static func isOrderedListMarker(_ characters: [Character], at index: Int) -> Bool {
        index > 0 && characters[..<index].allSatisfy(\.isASCIIDigit)
            && (index + 1 == characters.count || characters[index + 1] == " ")
    }

    /// An identifier, path or digest as a code span. Text holding a pipe is escaped as
    /// prose instead: inside a table, a backslash before a pipe in a code span would
    /// split the cell.
    static func code(_ raw: String) -> String {
        let text = ControlCharacters.singleLine(raw)
        guard !text.isEmpty else { return "" }
        guard !text.contains("|") else { return inline(text) }
        let fence = String(repeating: "`", count: longestRun(of: "`", in: text) + 1)
        let padded = text.hasPrefix("`") || text.hasSuffix("`") ? " \(text) " : text
        return fence + padded + fence
    }

    /// A fenced block for multi-line tool output, with a fence longer than any run of
    /// backticks inside so the content cannot close it.
    static func fencedBlock(_ raw: String, language: String = "text") -> String {
        let text = ControlCharacters.stripped(raw)
            .replacingOccurrences(of: "\r\n", with: "\n")
            .replacingOccurrences(of: "\r", with: "\n")
        let fence = String(repeating: "`", count: max(3, longestRun(of: "`", in: text) + 1))
        return "\(fence)\(language)\n\(text)\n\(fence)"
    }

    /// A GitHub table. Cells are already Markdown; pipes are escaped here so each row
    /// stays one row whatever the cells hold.
    /// A relative link or image target: percent-encoded so spaces and brackets cannot end it early.
    static func linkTarget(_ raw: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~/")
        return raw.addingPercentEncoding(withAllowedCharacters: allowed) ?? raw
    }

    static func table(header: [String], rows: [[String]]) -> String {
        var lines = [row(header), "|" + String(repeating: "---|", count: header.count)]
        lines += rows.map(row)
        return lines.joined(separator: "\n")
    }

    private static func row(_ cells: [String]) -> String {
        let escaped = cells.map { cell in
            let text = cell.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: "<br>")
            return text.isEmpty ? " " : text
        }
        return "| " + escaped.joined(separator: " | ") + " |"
    }

    private static func longestRun(of target: Character, in text: String) -> Int {
        var longest = 0, current = 0
        for character in text {
            current = character == target ? current + 1 : 0
            longest = max(longest, current)
        }
        return longest
    }
}

private extension Character {
    var isLetterOrDigit: Bool { isLetter || isNumber }
    var isASCIIDigit: Bool { isASCII && isNumber }
}
