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
}
