/// Characters no report may carry: XML 1.0 forbids most C0 controls outright, and in
/// Markdown or a terminal they are invisible at best and escape sequences at worst.
enum ControlCharacters {
    /// Drops every C0 control except tab, line feed and carriage return, plus the two
    /// noncharacters XML 1.0 excludes (U+FFFE, U+FFFF).
    static func stripped(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.filter(isAllowed))
        return String(scalars)
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: true
        case 0x00...0x1F: false
        case 0xFFFE, 0xFFFF: false
        default: true
        }
    }

    /// One line: line breaks become spaces, for places a break would change the meaning
    /// (a code span in a table, a console line).
    static func singleLine(_ text: String) -> String {
        stripped(text)
            .replacingOccurrences(of: "\r\n", with: " ")
            .map { $0 == "\n" || $0 == "\r" || $0 == "\t" ? " " : String($0) }
            .joined()
    }
}
