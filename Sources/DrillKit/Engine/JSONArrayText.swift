import Foundation

/// A JSON array of texts, for sending a list to SQLite as one parameter that `json_each` reads.
enum JSONArrayText {
    static func of(_ elements: [String?]) -> String {
        let items = elements.map { element -> String in
            guard let element else { return "null" }
            var escaped = "\""
            for scalar in element.unicodeScalars {
                switch scalar {
                case "\"": escaped += "\\\""
                case "\\": escaped += "\\\\"
                case "\n": escaped += "\\n"
                case "\r": escaped += "\\r"
                case "\t": escaped += "\\t"
                default:
                    if scalar.value < 0x20 {
                        escaped += String(format: "\\u%04x", scalar.value)
                    } else {
                        escaped.unicodeScalars.append(scalar)
                    }
                }
            }
            return escaped + "\""
        }
        return "[" + items.joined(separator: ",") + "]"
    }
}
