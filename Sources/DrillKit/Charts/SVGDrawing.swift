import Foundation

/// The few pieces both charts share: self-contained SVG (no scripts, no external fonts or
/// links) so it renders the same in a browser, a Markdown viewer and rsvg-convert.
enum SVGDrawing {
    static let font = "font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\""

    static func document(width: Int, height: Int, title: String, body: [String]) -> String {
        var lines = [
            #"<?xml version="1.0" encoding="UTF-8"?>"#,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" \(font) font-size=\"12\">",
            "<title>\(XMLEscaping.text(title))</title>",
            "<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>",
        ]
        lines += body
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }

    static func text(_ raw: String, x: Double, y: Double, anchor: String = "start", size: Int? = nil,
                     weight: String? = nil, fill: String = "#212121") -> String {
        var attributes = "x=\"\(number(x))\" y=\"\(number(y))\" text-anchor=\"\(anchor)\" fill=\"\(fill)\""
        if let size { attributes += " font-size=\"\(size)\"" }
        if let weight { attributes += " font-weight=\"\(weight)\"" }
        return "<text \(attributes)>\(XMLEscaping.text(raw))</text>"
    }

    static func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1, dashed: Bool = false) -> String {
        "<line x1=\"\(number(x1))\" y1=\"\(number(y1))\" x2=\"\(number(x2))\" y2=\"\(number(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(number(width))\"\(dashed ? " stroke-dasharray=\"5 4\"" : "")/>"
    }

    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.1f", rounded)
    }

    /// Verdict colours, always paired with the verdict's word so colour is never the only cue.
    static func colour(for verdict: Verdict) -> String {
        switch verdict {
        case .pass: "#2e7d32"
        case .fail: "#c62828"
        case .error: "#ef6c00"
        case .skipped: "#9e9e9e"
        }
    }

    /// A tick spacing from the 1-2-5 series (in seconds, minutes or hours) giving at most
    /// `maximumTicks` ticks up to `span`.
    static func tickStep(for span: Double, maximumTicks: Int = 8) -> Double {
        let candidates: [Double] = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200,
                                    4 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400]
        return candidates.first { span / $0 <= Double(maximumTicks) } ?? (span / Double(maximumTicks)).rounded(.up)
    }

    /// `0`, `30s`, `2m`, `1h30m`: short labels for an axis.
    static func durationLabel(_ seconds: Double) -> String {
        if seconds == 0 { return "0" }
        if seconds < 1 { return String(format: "%.1fs", seconds) }
        if seconds < 60 {
            return seconds == seconds.rounded() ? "\(Int(seconds))s" : String(format: "%.1fs", seconds)
        }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return whole % 60 == 0 ? "\(whole / 60)m" : "\(whole / 60)m\(whole % 60)s" }
        if whole < 86400 { return whole % 3600 == 0 ? "\(whole / 3600)h" : "\(whole / 3600)h\((whole % 3600) / 60)m" }
        return whole % 86400 == 0 ? "\(whole / 86400)d" : "\(whole / 86400)d\((whole % 86400) / 3600)h"
    }
}
