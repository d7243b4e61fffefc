import Foundation

/// A small arithmetic expression over numbers and variables, parsed from a LaTeX answer (`2\sqrt{3}`,
/// `\frac{1}{2}`, `3\pi`, `x^2+1`) or from Python-style text (`1/2`, `2**3`, `x + 1`).
///
/// It exists to compare answers by value: constants evaluate to a number; expressions with variables are
/// compared by evaluating both at fixed sample points (two different polynomials of low degree agree on
/// a handful of generic points only by accident). Written by hand: no allowed package parses LaTeX math.
indirect enum MathExpression: Hashable, Sendable {
    case number(Double)
    case variable(String)
    case negate(MathExpression)
    case add(MathExpression, MathExpression)
    case subtract(MathExpression, MathExpression)
    case multiply(MathExpression, MathExpression)
    case divide(MathExpression, MathExpression)
    case power(MathExpression, MathExpression)
    case root(MathExpression, degree: MathExpression)
    case function(String, MathExpression)
    case factorial(MathExpression)
    case binomial(MathExpression, MathExpression)

    /// How the text is written.
    enum Syntax: Sendable {
        /// LaTeX as models write it: `\frac`, `\sqrt`, `\pi`, `^` (and `**`), implicit multiplication (`2x`, `3\pi`),
        /// `2\frac{1}{2}` read as the mixed number 2½, `%` as ÷100, single-letter variables.
        case latex
        /// Python expression syntax as the reference's `parse_expr` reads it: `+ - * / **`, parentheses,
        /// names as variables, `pi`, `sqrt(…)`; no implicit multiplication, no `^`.
        case python
    }

    /// The longest text read as an expression, in UTF-8 bytes; a longer answer is compared as text.
    static let maximumLength = 10_000
    /// The most nodes one expression may have. Every routine over the tree (evaluation, `variables`,
    /// equality, hashing, even its deallocation) recurses once per level, and a chain such as `1+1+…+1` or
    /// `xxx…x` is as deep as it is long: the cap keeps all of them far from the end of any thread's stack
    /// (a 100,000-letter answer used to stop the process). An expression this big is compared as text.
    static let maximumNodes = 500
    /// The deepest the parser's own routines may call one another (`-(-(…`, `\sin\sin…`, `\sqrt\sqrt…`).
    static let maximumNesting = 256

    /// Parses the whole of `text`; `nil` when any part of it is not understood, or when it is longer than
    /// ``maximumLength`` or larger than ``maximumNodes``.
    static func parse(_ text: String, syntax: Syntax) -> MathExpression? {
        guard text.utf8.count <= maximumLength else { return nil }
        var parser = Parser(chars: Array(text), syntax: syntax)
        guard let expression = parser.parseExpression() else { return nil }
        parser.skipSpaces()
        return parser.index == parser.chars.count ? expression : nil
    }

    /// The variables the expression mentions.
    var variables: Set<String> {
        switch self {
        case .number: return []
        case .variable(let name): return [name]
        case .negate(let a), .function(_, let a), .factorial(let a): return a.variables
        case .add(let a, let b), .subtract(let a, let b), .multiply(let a, let b), .divide(let a, let b),
            .power(let a, let b), .binomial(let a, let b):
            return a.variables.union(b.variables)
        case .root(let a, let d): return a.variables.union(d.variables)
        }
    }

    /// The value with `assignment` giving each variable's value (missing variables are NaN; so is a
    /// division by zero, so that `1/0` and `2/0` are not equal as two infinities).
    func evaluate(_ assignment: [String: Double] = [:]) -> Double {
        switch self {
        case .number(let value): return value
        case .variable(let name): return assignment[name] ?? .nan
        case .negate(let a): return -a.evaluate(assignment)
        case .add(let a, let b): return a.evaluate(assignment) + b.evaluate(assignment)
        case .subtract(let a, let b): return a.evaluate(assignment) - b.evaluate(assignment)
        case .multiply(let a, let b): return a.evaluate(assignment) * b.evaluate(assignment)
        case .divide(let a, let b):
            let denominator = b.evaluate(assignment)
            return denominator == 0 ? .nan : a.evaluate(assignment) / denominator
        case .power(let a, let b): return Foundation.pow(a.evaluate(assignment), b.evaluate(assignment))
        case .root(let a, let degree):
            let x = a.evaluate(assignment)
            let n = degree.evaluate(assignment)
            if n == 2 { return x.squareRoot() }
            if x < 0, n.rounded() == n, Int(n) % 2 == 1 { return -Foundation.pow(-x, 1 / n) }
            return Foundation.pow(x, 1 / n)
        case .function(let name, let a):
            let x = a.evaluate(assignment)
            switch name {
            case "sin": return Foundation.sin(x)
            case "cos": return Foundation.cos(x)
            case "tan": return Foundation.tan(x)
            case "ln": return Foundation.log(x)
            case "log": return Foundation.log10(x)
            case "exp": return Foundation.exp(x)
            case "abs": return Swift.abs(x)
            default: return .nan
            }
        case .factorial(let a):
            let x = a.evaluate(assignment)
            guard x >= 0, x.rounded() == x, x <= 170 else { return .nan }
            return (0..<Int(x)).reduce(1.0) { $0 * Double($1 + 1) }
        case .binomial(let a, let b):
            let n = a.evaluate(assignment)
            let k = b.evaluate(assignment)
            guard n.rounded() == n, k.rounded() == k, k >= 0, n >= k, n <= 1000 else { return .nan }
            var result = 1.0
            for i in 0..<Int(k) { result = result * (n - Double(i)) / Double(i + 1) }
            return result.rounded()
        }
    }

    /// Fixed sample values for variables: generic irrational-looking numbers in (0.3, 3), so that
    /// square roots and logarithms of simple expressions stay real.
    static let samplePoints: [Double] = [
        0.5772156649, 1.4142135624, 2.7182818285, 0.3183098862, 1.6180339887, 0.6931471806, 2.2360679775,
    ]

    /// Whether two expressions with variables agree at five sample assignments, relatively within
    /// `1e-6`. Both must mention the same variables; points where both are undefined are skipped, and
    /// at least three points must be defined.
    static func identical(_ a: MathExpression, _ b: MathExpression) -> Bool {
        let names = a.variables
        guard names == b.variables else { return false }
        let sorted = names.sorted()
        var defined = 0
        for trial in 0..<5 {
            var assignment: [String: Double] = [:]
            for (i, name) in sorted.enumerated() {
                assignment[name] = samplePoints[(i * 3 + trial) % samplePoints.count] + Double(trial) * 0.37
            }
            let x = a.evaluate(assignment)
            let y = b.evaluate(assignment)
            if x.isNaN && y.isNaN { continue }
            if x.isNaN != y.isNaN { return false }
            if x.isInfinite || y.isInfinite {
                guard x == y else { return false }
                defined += 1
                continue
            }
            let scale = Swift.max(1, Swift.abs(x), Swift.abs(y))
            guard Swift.abs(x - y) <= 1e-6 * scale else { return false }
            defined += 1
        }
        return defined >= 3
    }
}

// MARK: - Parser

extension MathExpression {
    /// A recursive-descent parser over characters (precedence: `+ -` < `* /` and implicit products <
    /// unary minus < `^` < postfix `!` `%`).
    struct Parser {
        let chars: [Character]
        let syntax: Syntax
        var index = 0
        var depth = 0
        /// Nodes built so far, against ``MathExpression/maximumNodes``.
        var nodes = 0
        /// Calls of the parser's routines now open, against ``MathExpression/maximumNesting``.
        var nesting = 0

        init(chars: [Character], syntax: Syntax) {
            self.chars = chars
            self.syntax = syntax
        }

        private var current: Character? { index < chars.count ? chars[index] : nil }

        /// Counts one more node; false once the expression is too large.
        private mutating func spend() -> Bool {
            nodes += 1
            return nodes <= MathExpression.maximumNodes
        }

        mutating func skipSpaces() {
            while index < chars.count, chars[index].isWhitespace { index += 1 }
        }

        private func peek(_ text: String) -> Bool {
            let needle = Array(text)
            guard index + needle.count <= chars.count else { return false }
            return Array(chars[index..<(index + needle.count)]) == needle
        }

        mutating func parseExpression() -> MathExpression? {
            depth += 1
            defer { depth -= 1 }
            guard depth < 64 else { return nil }
            skipSpaces()
            guard var left = parseTerm() else { return nil }
            while true {
                skipSpaces()
                if current == "+" || current == "-" {
                    guard spend() else { return nil }
                }
                if current == "+" {
                    index += 1
                    guard let right = parseTerm() else { return nil }
                    left = .add(left, right)
                } else if current == "-" {
                    index += 1
                    guard let right = parseTerm() else { return nil }
                    left = .subtract(left, right)
                } else {
                    return left
                }
            }
        }

        private mutating func parseTerm() -> MathExpression? {
            guard var left = parseUnary() else { return nil }
            var leftIsIntegerLiteral = lastWasIntegerLiteral
            while true {
                skipSpaces()
                // Each operator below builds one node (a product, quotient or mixed number).
                if peek("**") { return left }
                if current == "*" {
                    guard spend() else { return nil }
                    index += 1
                    guard let right = parseUnary() else { return nil }
                    left = .multiply(left, right)
                } else if current == "/" {
                    guard spend() else { return nil }
                    index += 1
                    guard let right = parseUnary() else { return nil }
                    left = .divide(left, right)
                } else if syntax == .latex, let op = consumeCommand(["cdot", "times", "div"]) {
                    guard spend(), let right = parseUnary() else { return nil }
                    left = op == "div" ? .divide(left, right) : .multiply(left, right)
                } else if syntax == .latex, startsPrimary() {
                    // Implicit multiplication, except the mixed number 2\frac{1}{2} = 2 + 1/2.
                    let mixed = leftIsIntegerLiteral && peek("\\frac")
                    guard spend(), let right = parsePower() else { return nil }
                    if mixed, case .divide(.number(let n), .number(let d)) = right, n.rounded() == n,
                        d.rounded() == d, n >= 0, d > 0
                    {
                        if case .number(let whole) = left, whole < 0 {
                            left = .subtract(left, right)
                        } else {
                            left = .add(left, right)
                        }
                    } else {
                        left = .multiply(left, right)
                    }
                } else {
                    return left
                }
                leftIsIntegerLiteral = false
            }
        }

        /// Set by `parsePrimary` when it read a plain integer literal such as `12`.
        private var lastWasIntegerLiteral = false

        /// Signs, then a power. Read in a loop, not by calling itself, so that `----…1` cannot exhaust the
        /// stack; the minus signs apply from the innermost out.
        private mutating func parseUnary() -> MathExpression? {
            var minusSigns = 0
            while true {
                skipSpaces()
                if current == "-" {
                    minusSigns += 1
                    guard spend() else { return nil }
                } else if current != "+" {
                    break
                }
                index += 1
            }
            guard var operand = parsePower() else { return nil }
            for _ in 0..<minusSigns {
                if case .number(let value) = operand {
                    lastWasIntegerLiteral = lastWasIntegerLiteral && value.rounded() == value
                    operand = .number(-value)
                } else {
                    operand = .negate(operand)
                }
            }
            return operand
        }

        private mutating func parsePower() -> MathExpression? {
            guard let base = parsePostfix() else { return nil }
            skipSpaces()
            if syntax == .latex, current == "^" {
                index += 1
                guard let exponent = parseLaTeXArgument() else { return nil }
                lastWasIntegerLiteral = false
                return .power(base, exponent)
            }
            if peek("**") {
                index += 2
                guard let exponent = parseUnary() else { return nil }
                lastWasIntegerLiteral = false
                return .power(base, exponent)
            }
            return base
        }

        private mutating func parsePostfix() -> MathExpression? {
            guard var value = parsePrimary() else { return nil }
            while true {
                if current == "!" || (syntax == .latex && current == "%") {
                    guard spend() else { return nil }
                }
                if current == "!", !(index + 1 < chars.count && chars[index + 1] == "=") {
                    index += 1
                    value = .factorial(value)
                    lastWasIntegerLiteral = false
                } else if syntax == .latex, current == "%" {
                    index += 1
                    value = .divide(value, .number(100))
                    lastWasIntegerLiteral = false
                } else {
                    return value
                }
            }
        }

        /// Whether the next character can begin a factor of an implicit product.
        private func startsPrimary() -> Bool {
            guard let c = current else { return false }
            if c.isASCIIDigit || c.isASCIILetter || c == "(" || c == "{" || c == "." { return true }
            if c == "\\" {
                var end = index + 1
                while end < chars.count, chars[end].isASCIILetter { end += 1 }
                let name = String(chars[(index + 1)..<end])
                return !["cdot", "times", "div"].contains(name) && !name.isEmpty
            }
            return false
        }

        private mutating func consumeCommand(_ names: [String]) -> String? {
            guard current == "\\" else { return nil }
            var end = index + 1
            while end < chars.count, chars[end].isASCIILetter { end += 1 }
            let name = String(chars[(index + 1)..<end])
            guard names.contains(name) else { return nil }
            index = end
            return name
        }

        private mutating func parsePrimary() -> MathExpression? {
            nesting += 1
            defer { nesting -= 1 }
            guard nesting <= MathExpression.maximumNesting, spend() else { return nil }
            lastWasIntegerLiteral = false
            skipSpaces()
            guard let c = current else { return nil }
            if c.isASCIIDigit || (c == "." && index + 1 < chars.count && chars[index + 1].isASCIIDigit) {
                guard let token = NumberToken.scan(chars, from: index, allowThousands: false), !token.percent
                    || syntax == .latex
                else { return nil }
                // A `%` is handled as a postfix operator, so stop before it.
                index = token.percent ? token.end - 1 : token.end
                lastWasIntegerLiteral = token.fractionDigits.isEmpty && token.exponent == nil
                return .number(token.magnitude)
            }
            if c == "(" || (syntax == .latex && c == "{") {
                let close: Character = c == "(" ? ")" : "}"
                index += 1
                guard let inner = parseExpression() else { return nil }
                skipSpaces()
                guard current == close else { return nil }
                index += 1
                return inner
            }
            if c.isASCIILetter {
                if syntax == .python {
                    var end = index
                    while end < chars.count, chars[end].isASCIILetter || chars[end].isASCIIDigit || chars[end] == "_" {
                        end += 1
                    }
                    let name = String(chars[index..<end])
                    index = end
                    return pythonName(name)
                }
                index += 1
                return .variable(String(c))
            }
            if syntax == .latex, c == "\\" {
                return parseCommand()
            }
            return nil
        }

        /// A Python name: a constant, a function call, or a variable.
        private mutating func pythonName(_ name: String) -> MathExpression? {
            switch name {
            case "pi": return .number(Double.pi)
            case "E": return .number(M_E)
            case "oo": return .number(.infinity)
            default: break
            }
            let functions = ["sqrt", "sin", "cos", "tan", "log", "exp", "Abs"]
            if functions.contains(name) {
                skipSpaces()
                guard current == "(" else { return nil }
                index += 1
                guard let argument = parseExpression() else { return nil }
                skipSpaces()
                guard current == ")" else { return nil }
                index += 1
                switch name {
                case "sqrt": return .root(argument, degree: .number(2))
                case "log": return .function("ln", argument)  // sympy's log is the natural logarithm
                case "Abs": return .function("abs", argument)
                default: return .function(name, argument)
                }
            }
            return .variable(name)
        }

        private mutating func parseCommand() -> MathExpression? {
            var end = index + 1
            while end < chars.count, chars[end].isASCIILetter { end += 1 }
            let name = String(chars[(index + 1)..<end])
            guard !name.isEmpty else { return nil }
            index = end
            switch name {
            case "frac":
                guard let numerator = parseLaTeXArgument(), let denominator = parseLaTeXArgument() else { return nil }
                return .divide(numerator, denominator)
            case "binom":
                guard let n = parseLaTeXArgument(), let k = parseLaTeXArgument() else { return nil }
                return .binomial(n, k)
            case "sqrt":
                skipSpaces()
                var degree = MathExpression.number(2)
                if current == "[" {
                    index += 1
                    guard let d = parseExpression() else { return nil }
                    skipSpaces()
                    guard current == "]" else { return nil }
                    index += 1
                    degree = d
                }
                guard let radicand = parseLaTeXArgument() else { return nil }
                return .root(radicand, degree: degree)
            case "pi": return .number(Double.pi)
            case "infty": return .number(.infinity)
            case "sin", "cos", "tan", "ln", "log", "exp":
                guard let argument = parseUnary() else { return nil }
                return .function(name, argument)
            case "alpha", "beta", "gamma", "delta", "theta", "lambda", "mu", "phi", "omega", "sigma", "tau":
                return .variable("\\" + name)
            default:
                return nil
            }
        }

        /// A LaTeX command argument: `{…}`, or a single digit, letter or command (`\frac12`, `x^2`).
        private mutating func parseLaTeXArgument() -> MathExpression? {
            nesting += 1
            defer { nesting -= 1 }
            guard nesting <= MathExpression.maximumNesting, spend() else { return nil }
            skipSpaces()
            guard let c = current else { return nil }
            if c == "{" {
                index += 1
                guard let inner = parseExpression() else { return nil }
                skipSpaces()
                guard current == "}" else { return nil }
                index += 1
                return inner
            }
            if c.isASCIIDigit {
                index += 1
                return .number(Double(String(c)) ?? .nan)
            }
            if c.isASCIILetter {
                index += 1
                return .variable(String(c))
            }
            if c == "\\" { return parseCommand() }
            if c == "-" {
                index += 1
                guard let operand = parseLaTeXArgument() else { return nil }
                return .negate(operand)
            }
            return nil
        }
    }
}
