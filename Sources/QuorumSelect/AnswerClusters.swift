/// Answer clusters of one problem: single-link union-find over the paths in the order given.
///
/// spec/rpc.md: for each position i and each earlier position j with `equal(answer[i], answer[j])`, the
/// root of j's cluster is attached under i. So every cluster's root, and its representative answer, is its
/// member with the largest position; clusters are listed by increasing root position. Equality need not be
/// transitive, so chains (8 ~ 8.0009 ~ 8.0018) merge answers that are not pairwise equal; that is kept.
struct AnswerClusters {
    /// Root (largest member position) of each cluster, increasing.
    var roots: [Int]
    /// Member positions of each cluster, increasing.
    var members: [[Int]]
    /// The cluster index of each position.
    var clusterOfPosition: [Int]

    init(answerIDs ids: [Int], table: AnswerTable) {
        let count = ids.count
        var parent = Array(0..<count)
        func find(_ start: Int) -> Int {
            var root = start
            while parent[root] != root { root = parent[root] }
            var node = start
            while parent[node] != root {  // path compression: roots never change by it
                let next = parent[node]
                parent[node] = root
                node = next
            }
            return root
        }
        for i in 0..<count {
            // Position i is its own root while it is processed: nothing has been attached above it yet.
            for j in 0..<i where table.equal(ids[i], ids[j]) {
                let root = find(j)
                if root != i { parent[root] = i }
            }
        }
        var clusterOfRoot = [Int](repeating: -1, count: count)
        var roots: [Int] = []
        for position in 0..<count where parent[position] == position {
            clusterOfRoot[position] = roots.count
            roots.append(position)
        }
        var members = [[Int]](repeating: [], count: roots.count)
        var clusterOfPosition = [Int](repeating: 0, count: count)
        for position in 0..<count {
            let cluster = clusterOfRoot[find(position)]
            members[cluster].append(position)
            clusterOfPosition[position] = cluster
        }
        self.roots = roots
        self.members = members
        self.clusterOfPosition = clusterOfPosition
    }
}
