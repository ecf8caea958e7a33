import Foundation

/// PostgreSQL's text form of an array, for sending a list as one `$n::text[]` parameter
/// instead of splicing values into SQL.
public enum PostgresArrayLiteral {
    /// `{"EUR","USD",NULL}`: every element quoted so commas, braces and spaces stay data.
    public static func text(_ elements: [String?]) -> String {
        let quoted = elements.map { element -> String in
            guard let element else { return "NULL" }
            let escaped = element
                .replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"")
            return "\"" + escaped + "\""
        }
        return "{" + quoted.joined(separator: ",") + "}"
    }

    public static func text(_ elements: [String]) -> String {
        text(elements.map { Optional($0) })
    }
}
