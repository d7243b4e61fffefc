// QuorumSelect: selecting one answer, with a confidence, among a problem's sampled paths.
// Its public API speaks in QuorumCore's types, so importing QuorumSelect brings them along.
@_exported import QuorumCore
