import ArgumentParser
import Foundation

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a model as ONNX (input [N,1,28,28] pixels in [0,1], output probabilities [N,10]).")

    @Option(help: "The ONNX file to write.")
    var onnx: String

    @OptionGroup var model: ModelOption

    @Option(help: "ONNX opset: 11 or 13.")
    var opset: Int = 13

    func validate() throws {
        guard [11, 13].contains(opset) else { throw ValidationError("--opset must be 11 or 13") }
    }

    func run() throws {
        let (classifier, path) = try model.load()
        let bytes = classifier.onnx(opset: opset)
        do { try Data(bytes).write(to: URL(fileURLWithPath: onnx), options: .atomic) } catch {
            throw Failure.failed("\(onnx): cannot write: \((error as NSError).localizedDescription)")
        }
        print("\(onnx): \(classifier.architecture)\(classifier.members.count > 1 ? " ensemble of \(classifier.members.count)" : ""), opset \(opset), \(bytes.count) bytes, from \(path)")
    }
}
