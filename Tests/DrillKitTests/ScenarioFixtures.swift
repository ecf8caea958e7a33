import Foundation
@testable import DrillKit

/// Scenario files under `Fixtures/scenarios`, copied into the test bundle.
enum ScenarioFixtures {
    static var folder: URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("scenarios")
    }

    static func path(_ relative: String) -> String {
        folder.appendingPathComponent(relative).path
    }

    /// The diagnostics of a file expected not to load; empty when it loads after all.
    static func diagnostics(_ relative: String, environment: [String: String] = [:]) -> [ScenarioDiagnostic] {
        do {
            _ = try ScenarioLoader.load(path: path(relative), environment: environment)
            return []
        } catch let error as ScenarioLoadError {
            return error.diagnostics
        } catch {
            return [ScenarioDiagnostic(file: relative, line: 0, column: 0, message: "unexpected error \(error)")]
        }
    }

    /// Loads YAML text as a scenario at `/drills/scenario.yml`, for tests of one detail.
    static func load(yaml: String, environment: [String: String] = [:]) throws -> Scenario {
        try ScenarioLoader.load(yaml: yaml, file: "/drills/scenario.yml", environment: environment, currentDirectory: "/work")
    }

    static func diagnostics(yaml: String, environment: [String: String] = [:]) -> [ScenarioDiagnostic] {
        do {
            _ = try load(yaml: yaml, environment: environment)
            return []
        } catch let error as ScenarioLoadError {
            return error.diagnostics
        } catch {
            return [ScenarioDiagnostic(file: "?", line: 0, column: 0, message: "unexpected error \(error)")]
        }
    }

    /// A valid scenario's opening, for detail tests to append checks or sections to.
    /// This file is Tests/DrillKitTests/ScenarioFixtures.swift: the package root is two folders up.
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static let validPreamble = """
        version: 1
        name: shop-nightly
        environment:
          kind: local
          database: { name: shop, user: shop }
        backup:
          dump: backups/shop.dump

        """
}
