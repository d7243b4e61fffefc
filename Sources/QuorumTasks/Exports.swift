// QuorumTasks: task-set loaders, answer extraction and answer equivalence.
// Its public API speaks in QuorumCore's types, so importing QuorumTasks brings them along.
@_exported import QuorumCore
