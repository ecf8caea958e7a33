import ArgumentParser
import Foundation

/// A release of the stand-in and the schema version it expects.
enum SnapRelease: String, CaseIterable, ExpressibleByArgument {
    case one = "1.0.0"
    case two = "2.0.0"

    var version: String { rawValue }

    var schemaVersion: Int {
        switch self {
        case .one: 1
        case .two: 2
        }
    }

    static func expecting(schema: Int) -> SnapRelease? { allCases.first { $0.schemaVersion == schema } }
}

/// `--release`, `--db` and the faults tests inject, shared by the commands.
struct StoreOptions: ParsableArguments {
    @Option(help: "The release this binary plays: 1.0.0 or 2.0.0.")
    var release: SnapRelease = .one

    @Option(help: "The database file (default: DATABASE_FILE).")
    var db: String?

    @Option(help: "A fault to play, for drills of a broken upgrade: import (the import fails half way), health (the new version's health fails).")
    var fault: SnapFault?

    var file: String {
        get throws {
            guard let path = db ?? ProcessInfo.processInfo.environment["DATABASE_FILE"], !path.isEmpty else {
                throw ValidationError("no database file: give --db PATH or set DATABASE_FILE")
            }
            return path
        }
    }
}

enum SnapFault: String, ExpressibleByArgument {
    case `import`, health
}

/// Lines for whoever watches the store (a drill keeps its last ones).
func say(_ line: String) {
    print(line)
    fflush(nil)
}

func fail(_ line: String, code: Int32 = 1) -> ExitCode {
    FileHandle.standardError.write(Data((line + "\n").utf8))
    return ExitCode(code)
}
