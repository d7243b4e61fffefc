/// A colour of a plot mark, as an SVG colour string.
public struct PlotColor: Sendable, Hashable {
    /// The SVG colour, e.g. `#1f77b4`.
    public var svg: String

    public init(_ svg: String) { self.svg = svg }

    /// A colour-blind-safe qualitative palette (Okabe–Ito order), cycled by `index`.
    public static func palette(_ index: Int) -> PlotColor {
        let colors = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#999999", "#000000"]
        return PlotColor(colors[((index % colors.count) + colors.count) % colors.count])
    }

    /// Neutral grey for reference lines.
    public static let reference = PlotColor("#777777")
    /// Red, for cut lines and removed items.
    public static let alert = PlotColor("#C0392B")
}

/// How a line is stroked.
public enum LineDash: Sendable, Hashable {
    case solid, dashed, dotted

    /// The n-th style, cycling.
    public static func cycle(_ index: Int) -> LineDash { [.solid, .dashed, .dotted][((index % 3) + 3) % 3] }

    var attribute: String {
        switch self {
        case .solid: ""
        case .dashed: " stroke-dasharray=\"6 4\""
        case .dotted: " stroke-dasharray=\"2 3\""
        }
    }
}
