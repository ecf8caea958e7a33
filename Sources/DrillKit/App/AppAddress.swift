import Foundation

/// Where the app listens, and the placeholders a scenario uses to reach it. A local drill of
/// one app: any `{{service:port}}` in a URL becomes `127.0.0.1:PORT`, and in the app's
/// commands `{{port}}` is PORT and `{{master_key_file}}` the installed key file. A local drill
/// of several processes gives each its own port: `{{admin:3001}}` becomes admin's, in URLs and
/// in every process's command, and `{{port}}` is the process's own. A compose drill publishes
/// each service's ports: `{{api:3000}}` becomes what `docker compose port` answered for it.
public struct AppAddress: Sendable {
    /// The app's port; with several processes, the first one's.
    public var port: UInt16?
    public var masterKeyFile: String?
    /// A SQLite store's restored file (`{{database_file}}`).
    public var databaseFile: String?
    /// A local drill's processes by name, each on its own port.
    public var processPorts: [String: UInt16]
    /// `service:port` → `host:port`, for a compose drill.
    public var published: [String: String]

    public init(port: UInt16, masterKeyFile: String? = nil, processPorts: [String: UInt16] = [:], databaseFile: String? = nil) {
        self.port = port
        self.masterKeyFile = masterKeyFile
        self.databaseFile = databaseFile
        self.processPorts = processPorts
        self.published = [:]
    }

    public init(published: [String: String]) {
        self.port = nil
        self.masterKeyFile = nil
        self.processPorts = [:]
        self.published = published
    }

    public func url(_ template: String) -> String {
        substitute(template) { inside in
            if port != nil, inside.contains(":") {
                guard !processPorts.isEmpty else { return port.map { "127.0.0.1:\($0)" } }
                return processAddress(inside)
            }
            return published[inside]
        }
    }

    /// A command's argument; `ownPort` is the port of the process it starts (`{{port}}`).
    public func argument(_ template: String, ownPort: UInt16? = nil) -> String {
        var text = template
        if let port = ownPort ?? port { text = text.replacingOccurrences(of: "{{port}}", with: String(port)) }
        if let masterKeyFile { text = text.replacingOccurrences(of: "{{master_key_file}}", with: masterKeyFile) }
        if let databaseFile { text = text.replacingOccurrences(of: "{{database_file}}", with: databaseFile) }
        return processPorts.isEmpty ? text : substitute(text, processAddress)
    }

    /// `admin:3001` → `127.0.0.1:PORT` of the process named admin.
    private func processAddress(_ inside: String) -> String? {
        guard let name = inside.split(separator: ":").first, let port = processPorts[String(name)] else { return nil }
        return "127.0.0.1:\(port)"
    }

    /// Each `{{…}}` that `replacement` answers, replaced; the others kept as written.
    private func substitute(_ template: String, _ replacement: (String) -> String?) -> String {
        var result = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            result += rest[..<open.lowerBound]
            let inside = String(rest[open.upperBound..<close.lowerBound])
            result += replacement(inside) ?? "{{\(inside)}}"
            rest = rest[close.upperBound...]
        }
        return result + rest
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
