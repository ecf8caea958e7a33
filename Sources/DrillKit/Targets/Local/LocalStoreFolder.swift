import Foundation

/// A SQLite store's throwaway on this host: a private 0700 folder, marked for `gc` before
/// anything else is put in it, holding the restored file where the app finds it
/// (`<folder>/app/<environment.database.file>`). There is no server: the store is the file.
struct LocalStoreFolder: Sendable {
    let directory: String
    /// Where the restored database file goes.
    let file: String

    static func create(runId: String, scenario: String, databaseFile: String,
                       parentDirectory: String = ThrowawayMarker.defaultParentDirectory) throws -> LocalStoreFolder {
        let directory = parentDirectory + "/" + ThrowawayMarker.folderPrefix + runId
        guard mkdir(directory, 0o700) == 0 else {
            throw StepFailure(.error, "could not create \(directory): \(String(cString: strerror(errno)))")
        }
        let folder = LocalStoreFolder(directory: directory, file: directory + "/app/" + databaseFile)
        do {
            try ThrowawayMarker(runId: runId, scenario: scenario).write(into: directory)
            try FileManager.default.createDirectory(atPath: (folder.file as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw StepFailure(.error, "could not prepare \(directory): \(error.localizedDescription)")
        }
        return folder
    }

    /// Removes the folder and looks again; shared with `gc` through `LocalCluster.remove`.
    func tearDown() async -> (actions: [String], leftovers: [String]) {
        await LocalCluster.remove(directory: directory)
    }
}
