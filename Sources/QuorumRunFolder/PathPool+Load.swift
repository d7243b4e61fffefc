import QuorumCore
import QuorumEval

extension PathPool {
    /// Reads a paths file (docs/formats.md) into a pool, through ``PathsReader``.
    public static func load(pathsFile path: String) throws(EvalError) -> PathPool {
        do {
            let (groups, warnings) = try PathsReader.read(file: path)
            return PathPool(source: path, groups: groups, warnings: warnings)
        } catch {
            throw .pathsFile(error)
        }
    }
}
