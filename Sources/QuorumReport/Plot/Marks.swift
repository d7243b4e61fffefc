/// A point of a plot in data coordinates.
public struct PlotPoint: Sendable, Hashable {
    /// Horizontal coordinate.
    public var x: Double
    /// Vertical coordinate.
    public var y: Double
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// A polyline through points, with optional point markers.
public struct LineSeries: Sendable, Hashable {
    /// The legend entry; `nil` for none.
    public var label: String?
    public var points: [PlotPoint]
    public var color: PlotColor
    public var dash: LineDash
    /// Whether each point gets a dot.
    public var markers: Bool
    public var width: Double

    public init(
        label: String?, points: [PlotPoint], color: PlotColor, dash: LineDash = .solid, markers: Bool = true,
        width: Double = 2
    ) {
        self.label = label
        self.points = points
        self.color = color
        self.dash = dash
        self.markers = markers
        self.width = width
    }
}

/// A filled band between a lower and an upper curve over the same x values (e.g. mean ± std).
public struct BandSeries: Sendable, Hashable {
    public var label: String?
    public var x: [Double]
    public var lower: [Double]
    public var upper: [Double]
    public var color: PlotColor
    public var opacity: Double

    public init(label: String?, x: [Double], lower: [Double], upper: [Double], color: PlotColor, opacity: Double = 0.18) {
        self.label = label
        self.x = x
        self.lower = lower
        self.upper = upper
        self.color = color
        self.opacity = opacity
    }
}

/// One bar spanning `[lower, upper]` on the x axis, from 0 up to `value`, with an optional note above it
/// (e.g. the count of a reliability bin).
public struct Bar: Sendable, Hashable {
    public var lower: Double
    public var upper: Double
    public var value: Double
    public var note: String?

    public init(lower: Double, upper: Double, value: Double, note: String? = nil) {
        self.lower = lower
        self.upper = upper
        self.value = value
        self.note = note
    }
}

/// Bars (a histogram or a reliability diagram).
public struct BarSeries: Sendable, Hashable {
    public var label: String?
    public var bars: [Bar]
    public var color: PlotColor
    public var opacity: Double

    public init(label: String?, bars: [Bar], color: PlotColor, opacity: Double = 0.75) {
        self.label = label
        self.bars = bars
        self.color = color
        self.opacity = opacity
    }
}

/// Dots without a line (e.g. a rug of observations).
public struct PointSeries: Sendable, Hashable {
    public var label: String?
    public var points: [PlotPoint]
    public var color: PlotColor
    public var radius: Double

    public init(label: String?, points: [PlotPoint], color: PlotColor, radius: Double = 3.5) {
        self.label = label
        self.points = points
        self.color = color
        self.radius = radius
    }
}

/// A vertical line across the plot at `x` (e.g. a cut).
public struct VerticalRule: Sendable, Hashable {
    public var label: String?
    public var x: Double
    public var color: PlotColor
    public var dash: LineDash

    public init(label: String?, x: Double, color: PlotColor, dash: LineDash = .dashed) {
        self.label = label
        self.x = x
        self.color = color
        self.dash = dash
    }
}

/// Anything drawn in a plot's area, in drawing order.
public enum Mark: Sendable, Hashable {
    case band(BandSeries)
    case bars(BarSeries)
    case line(LineSeries)
    case points(PointSeries)
    case rule(VerticalRule)

    var label: String? {
        switch self {
        case .band(let s): s.label
        case .bars(let s): s.label
        case .line(let s): s.label
        case .points(let s): s.label
        case .rule(let s): s.label
        }
    }
}
