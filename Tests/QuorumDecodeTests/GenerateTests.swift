import Testing
@testable import QuorumDecode

@Suite struct GenerateTests {
    @Test func greedyFollowsTheArgmaxChainAndRecordsRawLogprobs() async throws {
        let model = BigramModel()
        let gens = try await model.generate(
            GenerationRequest(prompt: [1], maxTokens: 10, stopAtEndOfGeneration: false, topLogprobs: 3))
        #expect(gens.count == 1)
        var last = 1
        for step in gens[0].steps {
            let d = model.distribution(after: last)
            #expect(step.token == d.argmax)
            #expect(step.logprob == d.logprob(of: step.token))
            #expect(step.entropy == d.entropy)
            #expect(step.top == d.top(3))
            last = step.token
        }
        #expect(gens[0].steps.count == 10)
        #expect(gens[0].finish == .length)
        #expect(await model.liveSequences == 0)
    }

    @Test func logprobsAreRawEvenWhenTemperatureAndTruncationApply() async throws {
        let model = BigramModel()
        let gens = try await model.generate(
            GenerationRequest(
                prompt: [2], samples: 3, sampling: SamplingParameters(temperature: 0.5, topK: 3, seed: 11),
                maxTokens: 12, stopAtEndOfGeneration: false))
        for g in gens {
            var last = 2
            for step in g.steps {
                #expect(step.logprob == model.distribution(after: last).logprob(of: step.token))
                last = step.token
            }
        }
    }

    @Test func samplesAreReproducibleAndIndependentOfTheBatch() async throws {
        let model = BigramModel()
        let p = SamplingParameters(temperature: 1.2, seed: 5)
        let four = try await model.generate(GenerationRequest(prompt: [1, 2], samples: 4, sampling: p, maxTokens: 20))
        let again = try await model.generate(GenerationRequest(prompt: [1, 2], samples: 4, sampling: p, maxTokens: 20))
        let one = try await model.generate(GenerationRequest(prompt: [1, 2], samples: 1, sampling: p, maxTokens: 20))
        #expect(four == again)
        #expect(one[0] == four[0])
        #expect(Set(four.map(\.tokens)).count > 1)
        // All unfinished samples advance in one batched step per token.
        let (rows, calls) = (await model.stepRows, await model.stepCalls)
        #expect(rows > calls)
    }

    @Test func perSampleSeedsGiveEachSampleItsOwnStream() async throws {
        let model = BigramModel()
        let p = SamplingParameters(temperature: 1.2, seed: 5)
        let seeded = try await model.generate(
            GenerationRequest(prompt: [1, 2], samples: 3, sampling: p, maxTokens: 20, seeds: [41, 42, 41]))
        // Sample i is the single sample of seed seeds[i] (stream 0), whatever the request's own seed.
        for (i, seed) in [41, 42].enumerated() {
            var alone = p
            alone.seed = UInt64(seed)
            let one = try await model.generate(GenerationRequest(prompt: [1, 2], sampling: alone, maxTokens: 20))
            #expect(one[0].steps == seeded[i].steps)
        }
        #expect(seeded[0].steps == seeded[2].steps)
        #expect(seeded[0].steps != seeded[1].steps)
        let unseeded = try await model.generate(GenerationRequest(prompt: [1, 2], samples: 3, sampling: p, maxTokens: 20))
        #expect(unseeded.map(\.steps) != seeded.map(\.steps))
        await #expect(throws: DecodeError.invalidRequest("2 seeds given for 3 samples (one per sample)")) {
            _ = try await model.generate(GenerationRequest(prompt: [1], samples: 3, sampling: p, seeds: [1, 2]))
        }
    }

    @Test func generatingAfterAPrefilledPrefixEqualsGeneratingFromTheWholePrompt() async throws {
        let model = BigramModel()
        let p = SamplingParameters(temperature: 1.1, seed: 3)
        let whole = try await model.generate(
            GenerationRequest(prompt: [1, 2, 3, 7, 1], samples: 3, sampling: p, maxTokens: 15, stop: ["b."]))
        let prefix = await model.makeSequence()
        _ = try await model.prefill(prefix, tokens: [1, 2, 3], distributions: 0)
        let continued = try await model.generate(
            GenerationRequest(prompt: [7, 1], samples: 3, sampling: p, maxTokens: 15, stop: ["b."]), after: prefix)
        #expect(continued == whole)
        #expect(try await model.tokens(of: prefix) == [1, 2, 3])  // left unchanged
        #expect(await model.liveSequences == 1)
        // The context check counts the prefix.
        await #expect(throws: DecodeError.self) {
            _ = try await model.generate(GenerationRequest(prompt: Array(repeating: 1, count: 62)), after: prefix)
        }
    }

    @Test func forcedTokensAreFedAndScored() async throws {
        let model = BigramModel()
        let forced = [3, 3, 1, 7, 2]
        let g = try await model.generate(
            GenerationRequest(prompt: [1], maxTokens: 5, stopAtEndOfGeneration: false, forcedTokens: forced))[0]
        #expect(g.tokens == forced)
        var last = 1
        for (step, t) in zip(g.steps, forced) {
            #expect(step.logprob == model.distribution(after: last).logprob(of: t))
            last = t
        }
    }

    @Test func stopsAtEndOfGenerationTokenWithoutItsText() async throws {
        let model = BigramModel()
        let g = try await model.generate(GenerationRequest(prompt: [1], maxTokens: 10, forcedTokens: [1, 2, 0, 1]))[0]
        #expect(g.tokens == [1, 2, 0])
        #expect(g.finish == .stop)
        #expect(g.text == "ab")
    }

    @Test func stopStringSpanningTokensCutsTheText() async throws {
        let model = BigramModel()
        // "a" "b" " " "c" ". " — the stop string "c." spans the last two tokens.
        let g = try await model.generate(
            GenerationRequest(prompt: [1], maxTokens: 10, stop: ["c."], forcedTokens: [1, 2, 3, 7, 4, 1]))[0]
        #expect(g.tokens == [1, 2, 3, 7, 4])
        #expect(g.text == "ab ")
        #expect(g.finish == .stop)
    }

    @Test func utf8CharacterSplitAcrossTokensDecodesWhole() async throws {
        let model = BigramModel()
        let g = try await model.generate(
            GenerationRequest(prompt: [1], maxTokens: 3, stop: ["é"], forcedTokens: [1, 5, 6]))[0]
        #expect(g.text == "a")
        #expect(g.finish == .stop)
        let h = try await model.generate(GenerationRequest(prompt: [1], maxTokens: 3, forcedTokens: [5, 6, 1]))[0]
        #expect(h.text == "éa")
    }

    @Test func contextLengthEndsGeneration() async throws {
        let model = BigramModel(contextLength: 6)
        let g = try await model.generate(
            GenerationRequest(prompt: [1, 2, 3], maxTokens: 50, stopAtEndOfGeneration: false))[0]
        #expect(g.steps.count == 4)  // the 4th token would make the sequence 7 long
        #expect(g.finish == .length)
    }

    @Test func badRequestsThrowAndFreeEverything() async throws {
        let model = BigramModel(withText: false)
        await #expect(throws: DecodeError.self) { try await model.generate(GenerationRequest(prompt: [])) }
        await #expect(throws: DecodeError.self) { try await model.generate(GenerationRequest(prompt: [99])) }
        await #expect(throws: DecodeError.self) { try await model.generate(GenerationRequest(prompt: [1], samples: 0)) }
        await #expect(throws: DecodeError.self) { try await model.generate(GenerationRequest(prompt: [1], stop: ["x"])) }
        let g = try await model.generate(GenerationRequest(prompt: [1], maxTokens: 0))
        #expect(g[0].steps.isEmpty && g[0].text == nil && g[0].finish == .length)
        #expect(await model.liveSequences == 0)
    }
}
