import Foundation

/// How the report prints numbers (the same in HTML and Markdown).
public enum ReportFormat {
    /// Accuracy (%) or ECE (×100) as `mean ± std` with two decimals.
    public static func meanStd(_ mean: Double, _ std: Double) -> String { String(format: "%.2f ± %.2f", mean, std) }
    /// Brier, NLL, AUROC: four decimals; `—` for undefined.
    public static func metric(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "—" }
    /// A confidence or probability: four decimals.
    public static func probability(_ value: Double) -> String { String(format: "%.4f", value) }
    /// A credit: `✓` for 1, `✗` for 0, the fraction otherwise, `—` without gold.
    public static func credit(_ value: Double?) -> String {
        guard let value else { return "—" }
        if value == 1 { return "✓" }
        if value == 0 { return "✗" }
        return String(format: "%.2f", value)
    }
    /// A large count (tokens, FLOPs) with three significant digits in scientific notation when ≥ 10⁶.
    public static func count(_ value: Double) -> String {
        value >= 1e6 ? String(format: "%.3g", value) : String(format: "%.0f", value)
    }
    /// Seconds with one decimal.
    public static func seconds(_ value: Double) -> String { String(format: "%.1f", value) }
}
