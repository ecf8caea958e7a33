import ArgumentParser
import RefStoreKit

/// `refstore components`: what this release is made of, one `name version` line each, the way
/// a store lists its installed plugins; an upgrade gate compares the list before and after.
struct ComponentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "components",
        abstract: "List the release's components and their versions, one per line."
    )

    @OptionGroup var release: ReleaseOption

    func run() {
        for component in release.release.components { print("\(component.name) \(component.version)") }
    }
}
