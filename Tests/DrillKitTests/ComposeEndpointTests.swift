import Foundation
import Testing
@testable import DrillKit

/// Which engines the drill can reach the published ports of: its own machine's directly, an
/// ssh:// one through tunnels; a remote tcp:// one is refused (its ports are on its loopback).
@Suite struct ComposeEndpointTests {
    @Test(arguments: ["unix:///var/run/docker.sock", "unix:///run/restore-drill-docker/docker.sock", "tcp://127.0.0.1:2375",
                      "tcp://localhost:2376", "npipe:////./pipe/docker_engine"])
    func enginesOnThisMachineAreLocal(endpoint: String) {
        #expect(ComposeProject.isLocal(endpoint: endpoint))
    }

    @Test(arguments: ["tcp://192.0.2.10:2375", "ssh://drill@drillhost", "tcp://drillhost.example:2376"])
    func enginesElsewhereAreNot(endpoint: String) {
        #expect(!ComposeProject.isLocal(endpoint: endpoint))
    }

    @Test func sshEnginesGiveSSHTheirDestinationAndTCPOnesGiveNone() {
        #expect(SSHPortForward.destination(of: "ssh://drill@drillhost:2222") == ["-p", "2222", "drill@drillhost"])
        #expect(SSHPortForward.destination(of: "ssh://drillhost") == ["drillhost"])
        // Refused before anything starts: neither local nor reachable through SSH.
        #expect(SSHPortForward.destination(of: "tcp://192.0.2.10:2375") == nil)
    }

    /// gc removes a project only when its harness ran here and is gone.
    @Test func gcTakesOnlyProjectsWhoseHarnessRanHereAndIsGone() {
        let host = ProcessInfo.processInfo.hostName
        #expect(ComposeLeftovers.owner("\(host):\(getpid())") == (elsewhere: false, alive: true))
        #expect(ComposeLeftovers.owner("\(host):2147483000") == (elsewhere: false, alive: false))
        #expect(ComposeLeftovers.owner("another-host:1").elsewhere)
        #expect(ComposeLeftovers.owner("not a harness label").elsewhere, "an unreadable owner is kept, not removed")
    }
}
