import Foundation

/// An account on this machine, used to run PostgreSQL's server binaries as `postgres`
/// when the harness itself runs as root (initdb and postgres refuse to run as root).
public struct SystemUser: Sendable, Equatable {
    public var name: String
    public var uid: uid_t
    public var gid: gid_t

    public static func lookup(_ name: String) -> SystemUser? {
        guard let entry = getpwnam(name) else { return nil }
        return SystemUser(name: name, uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
    }

    public static var isRoot: Bool { geteuid() == 0 }
}
