import Foundation

/// Protocol-buffer encoding of the handful of ONNX messages a network needs (ModelProto, GraphProto, NodeProto,
/// AttributeProto, TensorProto, ValueInfoProto). Written by hand: five message types and two wire types do not
/// justify a code generator and its build step.
struct ProtoWriter {
    var bytes = [UInt8]()

    mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 { bytes.append(UInt8(v & 0x7f) | 0x80); v >>= 7 }
        bytes.append(UInt8(v))
    }
    mutating func tag(_ field: Int, _ wire: Int) { varint(UInt64(field << 3 | wire)) }
    mutating func int(_ field: Int, _ v: Int) { tag(field, 0); varint(UInt64(bitPattern: Int64(v))) }
    mutating func float(_ field: Int, _ v: Float) {
        tag(field, 5)
        withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }
    mutating func data(_ field: Int, _ d: [UInt8]) { tag(field, 2); varint(UInt64(d.count)); bytes.append(contentsOf: d) }
    mutating func string(_ field: Int, _ s: String) { data(field, Array(s.utf8)) }
    mutating func message(_ field: Int, _ build: (inout ProtoWriter) -> Void) {
        var inner = ProtoWriter()
        build(&inner)
        data(field, inner.bytes)
    }
}

/// An ONNX graph being built: nodes, weights and unique names. Each layer appends its own nodes
/// (`Layer.exportONNX`).
public struct ONNXGraph {
    var nodes = [(op: String, inputs: [String], outputs: [String], name: String, attributes: [(String, Attribute)])]()
    var initializers = [(String, [Int], [Float])]()
    private var counter = 0

    /// A node attribute's value.
    public enum Attribute {
        case int(Int), ints([Int]), float(Float)
    }

    mutating func fresh(_ base: String) -> String { counter += 1; return "\(base)_\(counter)" }

    /// Adds a weight tensor named `name`; returns the name, for a node's inputs.
    public mutating func weight(_ name: String, _ t: Tensor) -> String {
        initializers.append((name, t.shape, t.data))
        return name
    }

    /// Adds a node of operator `op`; returns its output's name (fresh unless `output` is given).
    @discardableResult
    public mutating func node(_ op: String, _ inputs: [String], _ attributes: [(String, Attribute)] = [], output: String? = nil) -> String {
        let out = output ?? fresh(op.lowercased())
        nodes.append((op, inputs, [out], fresh("node_" + op), attributes))
        return out
    }
}

extension Network {
    /// Appends this network's layers to `g`, reading pixels in [0, 1] from `input`; returns the logits' name.
    func exportLayers(into g: inout ONNXGraph, input: String, prefix: String) -> String {
        var x = input
        let n = normalization
        if n.mean != 0 || n.std != 1 {
            let scale = g.weight(prefix + "input_scale", Tensor(shape: [1], data: [1 / n.std]))
            let shift = g.weight(prefix + "input_shift", Tensor(shape: [1], data: [-n.mean / n.std]))
            x = g.node("Add", [g.node("Mul", [x, scale]), shift])
        }
        for (i, layer) in layers.enumerated() {
            x = layer.exportONNX(into: &g, input: x, prefix: "\(prefix)layers.\(i).")
        }
        return x
    }
}

extension Classifier {
    /// An ONNX model (opset 11 or 13) that takes pixels [N, 1, 28, 28] in [0, 1] and gives class probabilities
    /// [N, 10]; an ensemble becomes one graph that averages its members' probabilities.
    public func onnx(opset: Int = 13) -> [UInt8] {
        var g = ONNXGraph()
        var outputs = [String]()
        for (k, net) in members.enumerated() {
            let logits = net.exportLayers(into: &g, input: "pixels", prefix: members.count > 1 ? "member\(k)." : "")
            outputs.append(g.node("Softmax", [logits], [("axis", .int(1))],
                                  output: members.count > 1 || temperature != 1 ? nil : "probabilities"))
        }
        let calibrated = temperature != 1
        if members.count > 1 {
            let sum = g.node("Sum", outputs)
            let scale = g.weight("ensemble_scale", Tensor(shape: [1], data: [1 / Float(members.count)]))
            g.node("Mul", [sum, scale], output: calibrated ? "averaged" : "probabilities")
        }
        if calibrated {
            // p ∝ p^(1/T): the log of the probabilities, scaled, through a softmax again.
            let input = members.count > 1 ? "averaged" : outputs[0]
            let inverse = g.weight("temperature_inverse", Tensor(shape: [1], data: [1 / temperature]))
            let floor = g.weight("probability_floor", Tensor(shape: [1], data: [1e-30]))
            let logs = g.node("Log", [g.node("Max", [input, floor])])
            g.node("Softmax", [g.node("Mul", [logs, inverse])], [("axis", .int(1))], output: "probabilities")
        }
        var m = ProtoWriter()
        m.int(1, opset >= 13 ? 7 : 6)  // ir_version
        m.string(2, "digits")
        m.string(3, metadata["epoch"].map { "epoch \($0)" } ?? "1")
        m.message(7) { graph in
            for n in g.nodes {
                graph.message(1) { node in
                    for i in n.inputs { node.string(1, i) }
                    for o in n.outputs { node.string(2, o) }
                    node.string(3, n.name)
                    node.string(4, n.op)
                    for (name, value) in n.attributes {
                        node.message(5) { a in
                            a.string(1, name)
                            switch value {
                            case let .int(v): a.int(3, v); a.int(20, 2)
                            case let .float(v): a.float(2, v); a.int(20, 1)
                            case let .ints(vs): for v in vs { a.int(8, v) }; a.int(20, 7)
                            }
                        }
                    }
                }
            }
            graph.string(2, architecture)
            for (name, dims, values) in g.initializers {
                graph.message(5) { t in
                    for d in dims { t.int(1, d) }
                    t.int(2, 1)  // FLOAT
                    t.string(8, name)
                    var raw = [UInt8]()
                    raw.reserveCapacity(values.count * 4)
                    for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { raw.append(contentsOf: $0) } }
                    t.data(9, raw)
                }
            }
            func valueInfo(_ field: Int, _ name: String, _ dims: [Int?]) {
                graph.message(field) { v in
                    v.string(1, name)
                    v.message(2) { type in
                        type.message(1) { tensor in
                            tensor.int(1, 1)  // FLOAT
                            tensor.message(2) { shape in
                                for d in dims { shape.message(1) { dim in if let d { dim.int(1, d) } else { dim.string(2, "N") } } }
                            }
                        }
                    }
                }
            }
            valueInfo(11, "pixels", [nil, 1, 28, 28])
            valueInfo(12, "probabilities", [nil, 10])
        }
        m.message(8) { op in op.string(1, ""); op.int(2, opset) }
        return m.bytes
    }
}
