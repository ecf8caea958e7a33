/// What one text lacks and the other adds, line by line, the way `diff` lists it: `- line`
/// for a line only the expected text has, `+ line` for one only the actual text has. The
/// longest run of lines both share (as `normalize` reads them) is left out.
enum LineDiff {
    /// Beyond this many cells (lines × lines) the table is not built: the caller names the
    /// first difference instead.
    static let largestTable = 4_000_000

    static func changes(from expected: [String], to actual: [String], normalize: (String) -> String = { $0 }) -> [String]? {
        let old = expected.map(normalize), new = actual.map(normalize)
        // What both start and end with needs no table.
        var head = 0
        while head < old.count, head < new.count, old[head] == new[head] { head += 1 }
        var tail = 0
        while tail < old.count - head, tail < new.count - head, old[old.count - 1 - tail] == new[new.count - 1 - tail] { tail += 1 }
        let a = Array(old[head..<(old.count - tail)]), b = Array(new[head..<(new.count - tail)])
        guard (a.count + 1) * (b.count + 1) <= largestTable else { return nil }
        // shared[i][j]: how many lines a[i...] and b[j...] have in common, in order.
        let width = b.count + 1
        var shared = [Int32](repeating: 0, count: (a.count + 1) * width)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                shared[i * width + j] = a[i] == b[j] ? shared[(i + 1) * width + j + 1] + 1
                    : max(shared[(i + 1) * width + j], shared[i * width + j + 1])
            }
        }
        var lines: [String] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                i += 1
                j += 1
            } else if j == b.count || (i < a.count && shared[(i + 1) * width + j] >= shared[i * width + j + 1]) {
                lines.append("- " + expected[head + i])
                i += 1
            } else {
                lines.append("+ " + actual[head + j])
                j += 1
            }
        }
        return lines
    }
}
