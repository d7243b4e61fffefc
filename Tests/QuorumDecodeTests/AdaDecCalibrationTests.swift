import Foundation
import QuorumDecode
import Testing

/// τ from synthetic positions whose greedy errors follow a known entropy cut.
@Suite struct AdaDecCalibrationTests {
    @Test func recoversTheEntropyWhereErrorsBegin() throws {
        var rng = SeededGenerator(seed: 4)
        var positions: [AdaDecCalibration.Position] = []
        for _ in 0..<4000 {
            let h = 3 * rng.uniform()
            // Wrong mostly above 1.2 nats, with 10 % label noise.
            var wrong = h > 1.2
            if rng.uniform() < 0.1 { wrong.toggle() }
            positions.append(.init(entropy: h, wrong: wrong))
        }
        let c = try AdaDecCalibration.fit(positions, seed: 1)
        #expect(abs(c.threshold - 1.2) < 0.2, "τ \(c.threshold)")
        #expect(c.weight > 0)
        #expect(c.heldOutAccuracy > 0.8)
        #expect(c.positions == 4000)
        // Class balance: train + held-out hold as many wrong as right positions.
        #expect((c.trainPositions + c.heldOutPositions) % 2 == 0)
        // Same seed, same τ.
        #expect(try AdaDecCalibration.fit(positions, seed: 1) == c)
    }

    @Test func refusesOneClassOrAnInverseRelation() {
        let allRight = (0..<50).map { AdaDecCalibration.Position(entropy: Double($0) / 10, wrong: false) }
        #expect(throws: DecodeError.self) { try AdaDecCalibration.fit(allRight) }
        let inverse = (0..<200).map { AdaDecCalibration.Position(entropy: Double($0) / 50, wrong: $0 < 100) }
        #expect(throws: DecodeError.self) { try AdaDecCalibration.fit(inverse) }
    }

    @Test func topKPositionsRecordTheEstimateAServerAllows() async throws {
        let model = BigramModel()
        let prompt = [1, 2, 3], solution = [1, 7, 2, 3, 1, 4]
        let full = try await AdaDecCalibration.positions(model: model, prompt: prompt, solution: solution)
        let top3 = try await AdaDecCalibration.positions(model: model, prompt: prompt, solution: solution, entropy: .top(3))
        let top8 = try await AdaDecCalibration.positions(model: model, prompt: prompt, solution: solution, entropy: .top(8))
        #expect(full.count == solution.count && top3.count == full.count)
        var strictlyBelow = 0
        for (i, (f, t)) in zip(full, top3).enumerated() {
            #expect(t.wrong == f.wrong)
            #expect(t.entropy <= f.entropy + 1e-12)  // a lower bound
            if t.entropy < f.entropy - 1e-6 { strictlyBelow += 1 }
            // With the whole vocabulary (8 tokens) in the top k, the estimate is the entropy.
            #expect(abs(top8[i].entropy - f.entropy) < 1e-9)
            // The bound by hand: the top-3 terms plus the tail mass times −log p₃.
            let previous = i == 0 ? prompt.last! : solution[i - 1]
            let p = model.distribution(after: previous).top(3).map { exp($0.logprob) }
            let tail = max(0, 1 - p.reduce(0, +))
            let expected = p.reduce(0) { $0 - $1 * log($1) } + tail * -log(p[2])
            #expect(abs(t.entropy - expected) < 1e-9)
        }
        #expect(strictlyBelow > 0)
    }

    @Test func entropyEstimateNames() throws {
        #expect(EntropyEstimate(name: "full") == .full)
        #expect(EntropyEstimate(name: "top20") == .top(20))
        for bad in ["top0", "top", "topx", "half", "Full", "top-3"] { #expect(EntropyEstimate(name: bad) == nil, "\(bad)") }
        #expect(EntropyEstimate.top(20).description == "top20")
        let data = try JSONEncoder().encode([EntropyEstimate.full, .top(5)])
        #expect(String(decoding: data, as: UTF8.self) == #"["full","top5"]"#)
        #expect(try JSONDecoder().decode([EntropyEstimate].self, from: data) == [.full, .top(5)])
        #expect(EntropyEstimate.lowerBound([]) == .infinity)
    }
}
