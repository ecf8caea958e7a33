/// Finds the second occurrence of a duplicated mapping key in YAML text.
///
/// Yams rejects a mapping with a repeated key but only says where the first one is, and stops
/// there. The operator needs the line of the repetition, and every other problem in the file
/// too, so the composer asks this locator for the repetition, renames it and composes again.
/// Works on text, so it follows the YAML layout rules that matter here (indentation for block
/// mappings, commas and brackets for flow mappings) and gives up (nil) when unsure.
struct DuplicateKeyLocator {
    /// A key's text inside its line: the scalars between the quotes when quoted.
    struct Occurrence: Equatable {
        var line: Int
        var keyColumns: Range<Int>
    }

    /// The document split into lines of Unicode scalars: libyaml counts columns in scalars.
    var lines: [[Unicode.Scalar]]

    init(text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.unicodeScalars) }
    }

    var text: String {
        lines.map { line in String(String.UnicodeScalarView(line)) }.joined(separator: "\n")
    }

    /// The next occurrence of `key` in the same mapping as the one starting at the 0-based
    /// `line` and `column`.
    func secondOccurrence(of key: String, firstLine line: Int, firstColumn column: Int) -> Occurrence? {
        guard lines.indices.contains(line), column <= lines[line].count else { return nil }
        let keyScalars = Array(key.unicodeScalars)
        guard !keyScalars.isEmpty else { return nil }
        let before = lines[line][..<column].reversed().first { $0 != " " && $0 != "\t" }
        if before == "{" || before == "," {
            return nextFlowOccurrence(of: keyScalars, after: (line, column))
        }
        return nextBlockOccurrence(of: keyScalars, indentation: column, after: line)
    }

    /// Replaces the key's text by scalars from the private use area, keeping its length so
    /// every column in the file stays as the operator sees it.
    mutating func rename(_ occurrence: Occurrence, to placeholder: [Unicode.Scalar]) {
        precondition(placeholder.count == occurrence.keyColumns.count)
        lines[occurrence.line].replaceSubrange(occurrence.keyColumns, with: placeholder)
    }

    // MARK: Block mappings

    /// Keys of a block mapping share one indentation; the mapping ends at the first line
    /// indented less (deeper lines belong to nested values).
    private func nextBlockOccurrence(of key: [Unicode.Scalar], indentation: Int, after firstLine: Int) -> Occurrence? {
        var lineIndex = firstLine + 1
        while lineIndex < lines.count {
            let line = lines[lineIndex]
            defer { lineIndex += 1 }
            guard let contentStart = line.firstIndex(where: { $0 != " " }) else { continue }
            if line[contentStart] == "#" || line[contentStart] == "\r" { continue }
            if contentStart < indentation { return nil }
            if contentStart == indentation, let columns = keyMatch(key, in: line, at: contentStart, flow: false) {
                return Occurrence(line: lineIndex, keyColumns: columns)
            }
        }
        return nil
    }

    // MARK: Flow mappings

    /// Walks the flow mapping from the first occurrence, tracking quotes and nested brackets,
    /// and tries the key after every top-level comma.
    private func nextFlowOccurrence(of key: [Unicode.Scalar], after start: (line: Int, column: Int)) -> Occurrence? {
        var position = (line: start.line, column: start.column + 1)
        var depth = 0
        var quote: Unicode.Scalar?
        while position.line < lines.count {
            let line = lines[position.line]
            guard position.column < line.count else {
                position = (position.line + 1, 0)
                continue
            }
            let scalar = line[position.column]
            if let open = quote {
                if scalar == "\\" && open == "\"" {
                    position.column += 1
                } else if scalar == open {
                    quote = nil
                }
                position.column += 1
                continue
            }
            switch scalar {
            case "\"", "'":
                // Only at the start of a token: `don't` is a plain scalar with an apostrophe.
                if position.column == 0 || Self.tokenSeparators.contains(line[position.column - 1]) { quote = scalar }
            case "#" where position.column == 0 || line[position.column - 1] == " ":
                position = (position.line + 1, 0)
                continue
            case "{", "[":
                depth += 1
            case "}", "]":
                if depth == 0 { return nil }
                depth -= 1
            case "," where depth == 0:
                if let found = keyAfterComma(key, from: (position.line, position.column + 1)) { return found }
            default:
                break
            }
            position.column += 1
        }
        return nil
    }

    private func keyAfterComma(_ key: [Unicode.Scalar], from start: (line: Int, column: Int)) -> Occurrence? {
        var position = start
        while position.line < lines.count {
            let line = lines[position.line]
            while position.column < line.count, line[position.column] == " " || line[position.column] == "\t" {
                position.column += 1
            }
            if position.column < line.count, line[position.column] != "\r", line[position.column] != "#" {
                return keyMatch(key, in: line, at: position.column, flow: true)
                    .map { Occurrence(line: position.line, keyColumns: $0) }
            }
            position = (position.line + 1, 0)
        }
        return nil
    }

    private static let tokenSeparators: Set<Unicode.Scalar> = [" ", "\t", "{", "[", ",", ":"]

    // MARK: Matching a key

    /// The columns of the key's text when `line` holds `key:` (plain or quoted) at `column`.
    private func keyMatch(_ key: [Unicode.Scalar], in line: [Unicode.Scalar], at column: Int, flow: Bool) -> Range<Int>? {
        var cursor = column
        let quote: Unicode.Scalar? = (line[cursor] == "\"" || line[cursor] == "'") ? line[cursor] : nil
        if quote != nil { cursor += 1 }
        guard cursor + key.count <= line.count, Array(line[cursor..<(cursor + key.count)]) == key else { return nil }
        let keyColumns = cursor..<(cursor + key.count)
        cursor += key.count
        if let quote {
            guard cursor < line.count, line[cursor] == quote else { return nil }
            cursor += 1
        }
        while cursor < line.count, line[cursor] == " " || line[cursor] == "\t" { cursor += 1 }
        guard cursor < line.count, line[cursor] == ":" else { return nil }
        cursor += 1
        // A plain `a:b` is one scalar, not a key; quoted keys may be followed by anything.
        guard quote == nil, cursor < line.count else { return keyColumns }
        let next = line[cursor]
        let separators: Set<Unicode.Scalar> = flow ? [" ", "\t", "\r", ",", "}", "]"] : [" ", "\t", "\r"]
        return separators.contains(next) ? keyColumns : nil
    }
}
