import Foundation

/// Where a local app listens, and the placeholders a scenario uses to reach it:
/// `{{api:3000}}` in a URL becomes `127.0.0.1:PORT` (any `{{service:port}}`: a local drill
/// runs one app); in the app's commands `{{port}}` is PORT and `{{master_key_file}}` the
/// installed key file.
public struct AppAddress: Sendable {
    public var port: UInt16
    public var masterKeyFile: String?

    public init(port: UInt16, masterKeyFile: String? = nil) {
        self.port = port
        self.masterKeyFile = masterKeyFile
    }

    public func url(_ template: String) -> String {
        var result = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            result += rest[..<open.lowerBound]
            let inside = rest[open.upperBound..<close.lowerBound]
            result += inside.contains(":") ? "127.0.0.1:\(port)" : "{{\(inside)}}"
            rest = rest[close.upperBound...]
        }
        return result + rest
    }

    public func argument(_ template: String) -> String {
        var text = template.replacingOccurrences(of: "{{port}}", with: String(port))
        if let masterKeyFile { text = text.replacingOccurrences(of: "{{master_key_file}}", with: masterKeyFile) }
        return text
    }
}
