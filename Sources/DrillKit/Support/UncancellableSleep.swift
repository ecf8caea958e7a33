import Dispatch

/// A pause that cancellation does not cut short and that holds no thread while it waits:
/// teardown polls with it, as it must finish even when the drill's task was cancelled, and
/// `usleep` would block one of the few threads Swift's concurrency runs on.
func uncancellableSleep(milliseconds: Int) async {
    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) { done.resume() }
    }
}
