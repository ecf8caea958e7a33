import Foundation

/// The harness's peak resident memory so far, for the record (the benchmark reads it).
func peakResidentMemory() -> Int64? {
    var usage = rusage()
    guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return nil }
    return Int64(usage.ru_maxrss) * 1024  // Linux reports KiB
}
