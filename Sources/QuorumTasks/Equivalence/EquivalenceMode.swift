/// Which answer-equality rules to use.
public enum EquivalenceMode: String, Sendable, CaseIterable {
    /// Reproduces the RPC reference's equality (spec/rpc.md): no LaTeX parsing, so `\frac{1}{2}` and
    /// `0.5` differ. Use it to compare with the reference's numbers (fixtures/rpc/fixture.equal_cache.json).
    case reference
    /// Reads LaTeX and common notations (fractions, mixed numbers, `\sqrt`, tuples, intervals, units);
    /// see ``MathEquivalence``.
    case `default`
}

/// The answer equality for problems of `kind`, cached (``CachedEquivalence``): a fresh cache per call.
///
/// - math: ``ReferenceMathEquivalence`` in `.reference` mode, ``MathEquivalence`` in `.default` mode;
/// - choice: ``ChoiceEquivalence`` (both modes);
/// - text and code: ``TextEquivalence`` (both modes; code is judged by running tests, not by this).
///
/// Any other ``AnswerEquivalence`` can be injected where one is expected; this is the default per kind.
public func makeEquivalence(kind: TaskKind, mode: EquivalenceMode) -> any AnswerEquivalence {
    switch (kind, mode) {
    case (.math, .reference): CachedEquivalence(ReferenceMathEquivalence())
    case (.math, .default): CachedEquivalence(MathEquivalence())
    case (.choice, _): CachedEquivalence(ChoiceEquivalence())
    case (.text, _), (.code, _): CachedEquivalence(TextEquivalence())
    }
}
