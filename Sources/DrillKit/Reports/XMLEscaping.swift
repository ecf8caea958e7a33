/// Escaping for XML 1.0 documents the renderers write by hand.
enum XMLEscaping {
    /// Character data between tags. Carriage returns are written as references because
    /// parsers normalise a literal CR (and CRLF) to LF.
    static func text(_ raw: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(raw.utf8.count)
        for character in ControlCharacters.stripped(raw) {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            // `>` only needs escaping inside `]]>`, but escaping it always is simpler and safe.
            case ">": escaped += "&gt;"
            case "\r": escaped += "&#13;"
            case "\r\n": escaped += "&#13;\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// An attribute value in double quotes. Tabs and line breaks are written as
    /// references: attribute-value normalisation would otherwise turn them into spaces.
    static func attribute(_ raw: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(raw.utf8.count)
        for character in ControlCharacters.stripped(raw) {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            case "\n": escaped += "&#10;"
            case "\r": escaped += "&#13;"
            case "\r\n": escaped += "&#13;&#10;"
            case "\t": escaped += "&#9;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
