import Foundation

/// Learns AdaDec's entropy threshold τ for one model and prompt format (docs/decoders.md): at every position
/// of teacher-forced gold solutions record the next-token entropy H and whether the greedy token differs from
/// the gold token; balance the two classes (the larger one is subsampled, seeded), hold out 20 % (seeded),
/// fit P(greedy wrong | H) = σ(w·H + b) on the rest by Newton's method, pick the probability cut-off that
/// maximises accuracy on the held-out part, and convert it back to an entropy, τ = (logit(cut-off) − b) / w.
/// Written by hand: no allowed package fits a logistic regression.
public struct AdaDecCalibration: Sendable, Hashable, Codable {
    /// τ in nats.
    public var threshold: Double
    /// The fitted slope and intercept.
    public var weight: Double, bias: Double
    /// The chosen probability cut-off.
    public var cutoff: Double
    /// Held-out accuracy at the cut-off.
    public var heldOutAccuracy: Double
    /// Positions recorded, and the fraction where the greedy token was wrong.
    public var positions: Int, wrongFraction: Double
    /// Balanced positions used for fitting and for the held-out part.
    public var trainPositions: Int, heldOutPositions: Int

    /// One teacher-forced position.
    public struct Position: Sendable, Hashable {
        /// Next-token entropy, nats.
        public var entropy: Double
        /// Whether the greedy token differed from the gold token.
        public var wrong: Bool
        /// A position; see the properties.
        public init(entropy: Double, wrong: Bool) {
            self.entropy = entropy
            self.wrong = wrong
        }
    }

    /// Fits τ to `positions`; throws when either class is missing or entropy does not separate them
    /// (slope ≤ 0).
    public static func fit(_ positions: [Position], seed: UInt64 = 0) throws(DecodeError) -> AdaDecCalibration {
        var rng = SeededGenerator(seed: seed, stream: 0)
        var wrong = positions.filter(\.wrong), right = positions.filter { !$0.wrong }
        guard wrong.count >= 5, right.count >= 5 else {
            throw .invalidRequest(
                "calibration needs at least 5 positions of each class (greedy right \(right.count), wrong \(wrong.count))")
        }
        wrong.shuffle(using: &rng)
        right.shuffle(using: &rng)
        let n = min(wrong.count, right.count)
        var balanced = Array(wrong.prefix(n)) + Array(right.prefix(n))
        balanced.shuffle(using: &rng)
        let held = max(2, balanced.count / 5)
        let test = Array(balanced.prefix(held)), train = Array(balanced.dropFirst(held))
        let (w, b) = logistic(train)
        guard w > 0 else {
            throw .invalidRequest("entropy does not predict greedy errors on these solutions (fitted slope \(w) ≤ 0)")
        }
        // Candidate cut-offs: the held-out positions' predicted probabilities (classify wrong iff p ≥ cut-off).
        let scored = test.map { (p: sigmoid(w * $0.entropy + b), wrong: $0.wrong) }.sorted { $0.p < $1.p }
        var best = (accuracy: -1.0, cutoff: 0.5)
        for cut in Set(scored.map(\.p)).sorted() {
            let correct = scored.filter { ($0.p >= cut) == $0.wrong }.count
            let accuracy = Double(correct) / Double(scored.count)
            if accuracy > best.accuracy { best = (accuracy, cut) }
        }
        let tau = (log(best.cutoff / (1 - best.cutoff)) - b) / w
        return AdaDecCalibration(
            threshold: max(0, tau), weight: w, bias: b, cutoff: best.cutoff, heldOutAccuracy: best.accuracy,
            positions: positions.count, wrongFraction: Double(positions.filter(\.wrong).count) / Double(positions.count),
            trainPositions: train.count, heldOutPositions: test.count)
    }

    static func sigmoid(_ z: Double) -> Double { 1 / (1 + exp(-z)) }

    /// Maximum-likelihood (w, b) by Newton's method with a tiny ridge for separable data.
    static func logistic(_ data: [Position]) -> (Double, Double) {
        var w = 0.0, b = 0.0
        for _ in 0..<50 {
            var gw = -1e-6 * w, gb = 0.0, hww = 1e-6, hwb = 0.0, hbb = 1e-9
            for x in data {
                let p = sigmoid(w * x.entropy + b)
                let y = x.wrong ? 1.0 : 0.0
                gw += (y - p) * x.entropy
                gb += y - p
                let s = p * (1 - p)
                hww += s * x.entropy * x.entropy
                hwb += s * x.entropy
                hbb += s
            }
            let det = hww * hbb - hwb * hwb
            guard det > 0 else { break }
            let dw = (hbb * gw - hwb * gb) / det, db = (hww * gb - hwb * gw) / det
            w += dw
            b += db
            if abs(dw) < 1e-10, abs(db) < 1e-10 { break }
        }
        return (w, b)
    }

    /// Records the positions of one teacher-forced solution: `prompt` then `solution` tokens; `entropy` says
    /// which entropy is recorded (the full one, or the top-k estimate a server allows).
    public static func positions(
        model: any LanguageModel, prompt: [Int], solution: [Int], prefix: SequenceID? = nil,
        entropy: EntropyEstimate = .full
    ) async throws -> [Position] {
        guard !prompt.isEmpty, !solution.isEmpty else { return [] }
        let sequence: SequenceID
        if let prefix { sequence = try await model.fork(prefix) } else { sequence = try await model.makeSequence() }
        do {
            let first: [NextTokenDistribution] = try await model.prefill(sequence, tokens: prompt, distributions: 1)
            let rest: [NextTokenDistribution] =
                solution.count > 1
                ? try await model.prefill(sequence, tokens: Array(solution.dropLast()), distributions: solution.count - 1)
                : []
            await model.free(sequence)
            return zip(first + rest, solution).map { Position(entropy: entropy.value(of: $0), wrong: $0.argmax != $1) }
        } catch {
            await model.free(sequence)
            throw error
        }
    }
}
