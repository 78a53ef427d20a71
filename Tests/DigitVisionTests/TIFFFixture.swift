/// An uncompressed 8-bit gray little-endian TIFF of `pages`, each of one `value` with the size its header gives;
/// `stored` pixel bytes written (fewer than width × height makes a truncated file; meant for the last page).
func grayTIFF(_ pages: [(width: Int, height: Int, value: UInt8, stored: Int?)]) -> [UInt8] {
    func u16(_ v: Int) -> [UInt8] { [UInt8(v & 255), UInt8(v >> 8 & 255)] }
    func u32(_ v: Int) -> [UInt8] { u16(v & 0xffff) + u16(v >> 16) }
    func entry(_ tag: Int, _ value: Int) -> [UInt8] { u16(tag) + u16(4) + u32(1) + u32(value) }
    var bytes: [UInt8] = [0x49, 0x49, 42, 0] + u32(8)
    for (k, page) in pages.enumerated() {
        let pixels = bytes.count + 2 + 8 * 12 + 4, stored = page.stored ?? page.width * page.height
        bytes += u16(8) + entry(256, page.width) + entry(257, page.height) + entry(258, 8) + entry(259, 1) + entry(262, 1)
        bytes += entry(273, pixels) + entry(278, page.height) + entry(279, page.width * page.height)
        bytes += u32(k == pages.count - 1 ? 0 : pixels + stored)
        bytes += [UInt8](repeating: page.value, count: stored)
    }
    return bytes
}
