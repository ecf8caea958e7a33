/// Finds the allowed word an operator most likely meant when they wrote an unknown one
/// (`tolerence` → `tolerance`), so a typo costs one look at the error, not a trip to the docs.
enum SpellingSuggestion {
    /// The closest candidate, or nil when none is close enough to be a plausible typo.
    /// Ties go to the earlier candidate, so callers list the most common words first.
    static func closest(to word: String, among candidates: [String]) -> String? {
        let normalizedWord = normalized(word)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates where candidate != word {
            let distance = editDistance(normalizedWord, normalized(candidate))
            guard distance <= allowedDistance(for: candidate) else { continue }
            if best == nil || distance < best!.distance {
                best = (candidate, distance)
            }
        }
        return best?.candidate
    }

    /// Short words get less slack: `url` → `run` is two edits but no typo.
    private static func allowedDistance(for candidate: String) -> Int {
        switch candidate.count {
        case ...3: 1
        default: 2
        }
    }

    /// Case and `-`/`_` differences are typos too (`Name`, `sha256-file`), so they cost nothing.
    private static func normalized(_ word: String) -> [Character] {
        Array(word.lowercased().map { $0 == "-" ? "_" : $0 })
    }

    /// Optimal string alignment distance: Levenshtein plus adjacent transpositions (`nmae`).
    static func editDistance(_ lhs: [Character], _ rhs: [Character]) -> Int {
        if lhs.isEmpty { return rhs.count }
        if rhs.isEmpty { return lhs.count }
        var table = Array(repeating: Array(repeating: 0, count: rhs.count + 1), count: lhs.count + 1)
        for row in 0...lhs.count { table[row][0] = row }
        for column in 0...rhs.count { table[0][column] = column }
        for row in 1...lhs.count {
            for column in 1...rhs.count {
                let substitution = lhs[row - 1] == rhs[column - 1] ? 0 : 1
                var distance = min(table[row - 1][column] + 1,
                                   table[row][column - 1] + 1,
                                   table[row - 1][column - 1] + substitution)
                if row > 1, column > 1, lhs[row - 1] == rhs[column - 2], lhs[row - 2] == rhs[column - 1] {
                    distance = min(distance, table[row - 2][column - 2] + 1)
                }
                table[row][column] = distance
            }
        }
        return table[lhs.count][rhs.count]
    }
}
