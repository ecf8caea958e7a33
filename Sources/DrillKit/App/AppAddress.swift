import Foundation

/// Where the app listens, and the placeholders a scenario uses to reach it. A local drill runs
/// one app: any `{{service:port}}` in a URL becomes `127.0.0.1:PORT`, and in the app's
/// commands `{{port}}` is PORT and `{{master_key_file}}` the installed key file. A compose
/// drill publishes each service's ports: `{{api:3000}}` becomes what `docker compose port`
/// answered for it.
public struct AppAddress: Sendable {
    public var port: UInt16?
    public var masterKeyFile: String?
    /// `service:port` → `host:port`, for a compose drill.
    public var published: [String: String]

    public init(port: UInt16, masterKeyFile: String? = nil) {
        self.port = port
        self.masterKeyFile = masterKeyFile
        self.published = [:]
    }

    public init(published: [String: String]) {
        self.port = nil
        self.masterKeyFile = nil
        self.published = published
    }

    public func url(_ template: String) -> String {
        var result = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            result += rest[..<open.lowerBound]
            let inside = String(rest[open.upperBound..<close.lowerBound])
            if let port, inside.contains(":") {
                result += "127.0.0.1:\(port)"
            } else {
                result += published[inside] ?? "{{\(inside)}}"
            }
            rest = rest[close.upperBound...]
        }
        return result + rest
    }

    public func argument(_ template: String) -> String {
        var text = template
        if let port { text = text.replacingOccurrences(of: "{{port}}", with: String(port)) }
        if let masterKeyFile { text = text.replacingOccurrences(of: "{{master_key_file}}", with: masterKeyFile) }
        return text
    }

    /// The `service:port` placeholders in `templates`, each once, in order of appearance.
    public static func placeholders(in templates: [String]) -> [(service: String, port: Int)] {
        var seen = Set<String>()
        var found: [(String, Int)] = []
        for template in templates {
            var rest = Substring(template)
            while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
                let inside = String(rest[open.upperBound..<close.lowerBound])
                let parts = inside.split(separator: ":", omittingEmptySubsequences: false)
                if parts.count == 2, let port = Int(parts[1]), !parts[0].isEmpty, seen.insert(inside).inserted {
                    found.append((String(parts[0]), port))
                }
                rest = rest[close.upperBound...]
            }
        }
        return found
    }
}
