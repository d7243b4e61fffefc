// QuorumEval: the K/seed evaluation protocol, calibration metrics and input pools.
// Its public API speaks in QuorumSelect's and QuorumCore's types, so importing QuorumEval brings them along.
@_exported import QuorumSelect
