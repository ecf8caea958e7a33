import Foundation

/// This host's programs, connected through the client variables (password by environment).
public struct LocalRestoreTools: RestoreTools {
    public var binaries: PostgresBinaries
    public var environment: [String: String?]
    public var dumpPath: String

    public init(binaries: PostgresBinaries, environment: [String: String?], dumpPath: String) {
        self.binaries = binaries
        self.environment = environment
        self.dumpPath = dumpPath
    }

    public var place: String { binaries.directory }

    public func command(_ program: String, _ arguments: [String]) -> Command {
        Command(binaries.directory + "/" + program, arguments, environment: environment)
    }
}
