/// A step message that ends with a program's last lines (`…; its last lines:` then `| …`
/// lines), cut to one sentence for the summary every report leads with: the message's own
/// words and the last line quoted, which is where a traceback or a runner names the cause.
enum QuotedOutput {
    static func sentence(_ message: String) -> String {
        let lines = message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let quoted = lines.filter { $0.hasPrefix("| ") || $0 == "|" }
        guard lines.count > 1, !quoted.isEmpty else { return message }
        var head = lines.prefix { !$0.hasPrefix("|") }.joined(separator: " ")
        for lead in ["; their last lines:", "; its last lines:", ". Its last lines:", ". Their last lines:"] where head.hasSuffix(lead) {
            head.removeLast(lead.count)
        }
        let last = quoted.last { $0.count > 2 }.map { String($0.dropFirst(2)).trimmingCharacters(in: .whitespaces) }
        return head + (last.map { "; the last line it printed: \($0)" } ?? "")
    }
}
