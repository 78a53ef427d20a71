import Foundation
import XCTest

/// A test case with a fresh temporary folder, `dir`, removed after each test.
class FolderTestCase: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "\(type(of: self))-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }
}
